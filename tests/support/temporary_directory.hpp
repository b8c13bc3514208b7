// A directory under the system's temporary directory, unique to the test process, removed at the end.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace decider_test {

struct temporary_directory {
  std::filesystem::path path;
  explicit temporary_directory(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("decider-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  temporary_directory(const temporary_directory&) = delete;
  temporary_directory& operator=(const temporary_directory&) = delete;
  ~temporary_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace decider_test
