// Every code block in README.md and docs/ is a copy of a region of a compiled source file, so every snippet
// a user reads compiles. A block is preceded by `<!-- snippet: path#name -->`; the source marks the region with
// lines containing `[docs:name]` and `[/docs:name]`. The block holds the region with common indentation removed.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
const fs::path root = DECIDER_SOURCE_DIR;

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> dedent(std::vector<std::string> lines) {
  std::size_t common = std::string::npos;
  for (const auto& line : lines) {
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos) {
      common = std::min(common, first);
    }
  }
  for (auto& line : lines) {
    line = line.size() > common ? line.substr(common) : (line.find_first_not_of(' ') == std::string::npos ? "" : line);
  }
  return lines;
}

// The lines between the begin and end markers of `name` in `file`; empty if the markers are missing.
std::vector<std::string> region(const fs::path& file, const std::string& name) {
  const auto lines = read_lines(file);
  std::vector<std::string> out;
  bool inside = false;
  for (const auto& line : lines) {
    if (line.find("[/docs:" + name + "]") != std::string::npos) {
      return dedent(out);
    }
    if (inside) {
      out.push_back(line);
    }
    if (line.find("[docs:" + name + "]") != std::string::npos) {
      inside = true;
    }
  }
  return {};
}

std::string join(const std::vector<std::string>& lines) {
  std::ostringstream os;
  for (const auto& line : lines) {
    os << line << '\n';
  }
  return os.str();
}

std::vector<fs::path> documents() {
  std::vector<fs::path> out{root / "README.md"};
  for (const auto& entry : fs::recursive_directory_iterator(root / "docs")) {
    if (entry.path().extension() == ".md") {
      out.push_back(entry.path());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every code block in the docs is a marked region of a compiled source", "[docs]") {
  std::size_t checked = 0;
  for (const auto& doc : documents()) {
    const auto lines = read_lines(doc);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      const bool opens_code = line.rfind("```cpp", 0) == 0 || line.rfind("```cmake", 0) == 0;
      if (!opens_code) {
        continue;
      }
      INFO(doc.string() << ":" << (i + 1));
      const std::string marker = "<!-- snippet: ";
      REQUIRE(i > 0);
      const std::string& previous = lines[i - 1];
      REQUIRE_THAT(previous, Catch::StartsWith(marker));
      const auto spec = previous.substr(marker.size(), previous.find(" -->") - marker.size());
      const auto hash = spec.find('#');
      REQUIRE(hash != std::string::npos);
      const fs::path source = root / spec.substr(0, hash);
      REQUIRE(fs::exists(source));
      const auto expected = region(source, spec.substr(hash + 1));
      REQUIRE_FALSE(expected.empty());
      std::vector<std::string> block;
      std::size_t j = i + 1;
      for (; j < lines.size() && lines[j].rfind("```", 0) != 0; ++j) {
        block.push_back(lines[j]);
      }
      CHECK(join(block) == join(expected));
      ++checked;
      i = j;
    }
  }
  CHECK(checked > 0);
}
