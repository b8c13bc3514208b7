// A child process with pipes to its standard input and output: the multi-process and crash tests run writers
// (tests/durable/store_writer.cpp) this way.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace decider_test {

class child_process {
 public:
  explicit child_process(const std::vector<std::string>& argv) {
    int to_child[2];
    int from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) {
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    posix_spawn_file_actions_addclose(&actions, from_child[0]);
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    in_ = ::fdopen(to_child[1], "w");
    out_ = ::fdopen(from_child[0], "r");
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    if (pid_ > 0 && !status_) {
      kill();
    }
    close_input();
    if (out_ != nullptr) {
      std::fclose(out_);
    }
  }

  [[nodiscard]] bool started() const noexcept { return pid_ > 0 && in_ != nullptr && out_ != nullptr; }

  void write_line(const std::string& line) {
    std::fputs((line + "\n").c_str(), in_);
    std::fflush(in_);
  }
  void close_input() {
    if (in_ != nullptr) {
      std::fclose(in_);
      in_ = nullptr;
    }
  }
  // The next line of its output, without the newline; nullopt at its end.
  std::optional<std::string> read_line() {
    std::string line;
    int c = 0;
    while ((c = std::fgetc(out_)) != EOF && c != '\n') {
      line += static_cast<char>(c);
    }
    if (c == EOF && line.empty()) {
      return std::nullopt;
    }
    return line;
  }
  // SIGKILL: no destructor, no flush, no clean close of anything.
  void kill() {
    ::kill(pid_, SIGKILL);
    wait();
  }
  // Its exit status (as waitpid reports it).
  int wait() {
    if (!status_) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      status_ = status;
    }
    return *status_;
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
  std::optional<int> status_;
};

}  // namespace decider_test
