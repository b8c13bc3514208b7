// Runs a fuzz target on files, without libFuzzer: every file named, and every file in a directory named. The
// seed corpus becomes a regression test in any build, GCC's included.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path given(argv[i]);
    if (std::filesystem::is_directory(given)) {
      for (const auto& entry : std::filesystem::directory_iterator(given)) {
        if (entry.is_regular_file()) {
          run(entry.path());
          ++inputs;
        }
      }
    } else {
      run(given);
      ++inputs;
    }
  }
  std::cout << inputs << " inputs, none failed\n";
  return inputs > 0 ? 0 : 1;  // an empty corpus is a mistake, not a pass
}
