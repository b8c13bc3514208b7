// decider/postgres/detail/libpq.hpp — the PostgreSQL store's libpq layer: connections, parameters in binary and
// text, array literals, binary results, and the pipeline that sends a group's statements in one round trip.
#pragma once

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decider/config.hpp"
#include "decider/store/event.hpp"

namespace decider::detail::pg {

struct result_clearer {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result = std::unique_ptr<PGresult, result_clearer>;
struct connection_closer {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};

// PostgreSQL text holds valid UTF-8 without NUL bytes; a tag, type or id outside that cannot be stored.
[[nodiscard]] inline bool storable_text(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) {
      return false;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) {
        return false;
      }
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (d & 0x3F);
    }
    const bool overlong = (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Parameters of one statement: text ones (NUL-terminated, as libpq reads them), binary ones, and NULLs.
class params {
 public:
  params() = default;
  params(params&&) noexcept = default;
  params& operator=(params&&) noexcept = default;
  params(const params&) = delete;  // the values point into this object's own strings
  params& operator=(const params&) = delete;
  // `text` must outlive the statement (a std::string the caller holds).
  std::string ref(const std::string& text) {
    push(text.c_str(), 0, 0);
    return placeholder();
  }
  std::string own(std::string text) {
    owned_.push_back(std::make_unique<std::string>(std::move(text)));
    push(owned_.back()->c_str(), 0, 0);
    return placeholder();
  }
  std::string number(std::int64_t v) { return own(std::to_string(v)); }
  std::string binary_own(std::string bytes) {
    owned_.push_back(std::make_unique<std::string>(std::move(bytes)));
    return binary(*owned_.back());
  }
  std::string binary(const std::string& bytes) {
    push(bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size()), 1);
    return placeholder();
  }
  std::string null() {
    push(nullptr, 0, 0);
    return placeholder();
  }
  [[nodiscard]] int size() const noexcept { return static_cast<int>(values_.size()); }
  [[nodiscard]] const char* const* values() const noexcept { return values_.data(); }
  [[nodiscard]] const int* lengths() const noexcept { return lengths_.data(); }
  [[nodiscard]] const int* formats() const noexcept { return formats_.data(); }

 private:
  void push(const char* v, int length, int format) {
    values_.push_back(v);
    lengths_.push_back(length);
    formats_.push_back(format);
  }
  [[nodiscard]] std::string placeholder() const { return "$" + std::to_string(values_.size()); }
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::unique_ptr<std::string>> owned_;  // stable addresses, also when this object moves
};

struct statement {
  std::string sql;
  params p;
};

// A PostgreSQL array in its text form, so that one prepared statement takes any number of rows (unnest).
class array_literal {
 public:
  void text(std::string_view v) {
    separate();
    out_ += '"';
    for (const char c : v) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
      }
      out_ += c;
    }
    out_ += '"';
  }
  void null() {
    separate();
    out_ += "NULL";
  }
  void number(std::int64_t v) {
    separate();
    out_ += std::to_string(v);
  }
  // bytea in hex: "\\x..." (the backslash escaped for the array).
  void bytes(std::string_view v) {
    static constexpr char digits[] = "0123456789abcdef";
    separate();
    out_ += "\"\\\\x";
    for (const char c : v) {
      const auto b = static_cast<unsigned char>(c);
      out_ += digits[b >> 4];
      out_ += digits[b & 15];
    }
    out_ += '"';
  }
  [[nodiscard]] std::string done() && {
    out_ += '}';
    return std::move(out_);
  }

 private:
  void separate() { out_ += out_.size() > 1 ? "," : ""; }
  std::string out_ = "{";
};

// Results come back in binary: integers in network byte order, text and bytea as their bytes.
[[nodiscard]] inline std::int64_t int8_at(const PGresult* r, int row, int column) {
  const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, column));
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | p[i];
  }
  return static_cast<std::int64_t>(v);
}
[[nodiscard]] inline std::int32_t int4_at(const PGresult* r, int row, int column) {
  const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, column));
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v = (v << 8) | p[i];
  }
  return static_cast<std::int32_t>(v);
}
[[nodiscard]] inline std::string_view bytes_at(const PGresult* r, int row, int column) {
  return {PQgetvalue(r, row, column), static_cast<std::size_t>(PQgetlength(r, row, column))};
}

class connection {
 public:
  static expected<std::unique_ptr<connection>, std::string> open(const std::string& conninfo,
                                                                 std::chrono::seconds connect_timeout) {
    const std::string timeout = std::to_string(std::max<long long>(1, connect_timeout.count()));
    const char* keys[] = {"dbname", "connect_timeout", "client_encoding", nullptr};
    const char* values[] = {conninfo.c_str(), timeout.c_str(), "UTF8", nullptr};
    std::unique_ptr<PGconn, connection_closer> c(PQconnectdbParams(keys, values, 1));
    if (!c || PQstatus(c.get()) != CONNECTION_OK) {
      std::string why = c ? PQerrorMessage(c.get()) : "out of memory";
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) {
        why.pop_back();
      }
      return unexpected<std::string>("cannot connect to PostgreSQL: " + why);
    }
    // Server notices (a DROP ... CASCADE listing what it dropped) are not the caller's output.
    PQsetNoticeProcessor(
        c.get(), [](void*, const char*) {}, nullptr);
    return std::unique_ptr<connection>(new connection(std::move(c)));
  }

  [[nodiscard]] bool broken() const { return PQstatus(c_.get()) != CONNECTION_OK; }
  [[nodiscard]] std::string error() const {
    std::string why = PQerrorMessage(c_.get());
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) {
      why.pop_back();
    }
    return why;
  }
  [[nodiscard]] PGconn* raw() const noexcept { return c_.get(); }

  // A statement without parameters, for its effect.
  bool command(const std::string& sql, std::string& error) {
    const result r(PQexec(c_.get(), sql.c_str()));
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK || PQresultStatus(r.get()) == PGRES_TUPLES_OK) {
      return true;
    }
    error = result_error(r.get());
    return false;
  }

  // One statement, prepared once per connection and text, with binary results.
  result query(const std::string& sql, const params& p, std::string& error) {
    auto at = prepared_.find(sql);
    if (at == prepared_.end()) {
      if (prepared_.size() > 256) {
        static_cast<void>(command("DEALLOCATE ALL", error));
        prepared_.clear();
      }
      const std::string name = "d" + std::to_string(++statements_);
      const result made(PQprepare(c_.get(), name.c_str(), sql.c_str(), p.size(), nullptr));
      if (PQresultStatus(made.get()) != PGRES_COMMAND_OK) {
        error = result_error(made.get());
        return nullptr;
      }
      at = prepared_.emplace(sql, name).first;
    }
    result r(PQexecPrepared(c_.get(), at->second.c_str(), p.size(), p.values(), p.lengths(), p.formats(), 1));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      error = result_error(r.get());
      return nullptr;
    }
    return r;
  }

  // Statements sent together and answered together: one round trip. Empty and the first error on failure (the
  // statements after a failed one are not run).
  std::vector<result> pipeline(const std::vector<statement>& statements, std::string& error) {
    std::vector<result> out;
    if (PQenterPipelineMode(c_.get()) != 1) {
      error = this->error();
      return out;
    }
    // Statements with parameters are prepared once per connection (in this same pipeline, the first time), so the
    // server plans them once; the others (BEGIN, LOCK, COMMIT) go as they are.
    std::vector<bool> preparing(statements.size(), false);
    std::vector<std::string> made;
    bool sent = true;
    for (std::size_t i = 0; sent && i < statements.size(); ++i) {
      const auto& s = statements[i];
      if (s.p.size() == 0) {
        sent = PQsendQueryParams(c_.get(), s.sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1) == 1;
        continue;
      }
      auto at = prepared_.find(s.sql);
      if (at == prepared_.end()) {
        at = prepared_.emplace(s.sql, "d" + std::to_string(++statements_)).first;
        made.push_back(s.sql);
        preparing[i] = true;
        sent = PQsendPrepare(c_.get(), at->second.c_str(), s.sql.c_str(), s.p.size(), nullptr) == 1;
      }
      sent = sent && PQsendQueryPrepared(c_.get(), at->second.c_str(), s.p.size(), s.p.values(), s.p.lengths(),
                                         s.p.formats(), 1) == 1;
    }
    sent = sent && PQpipelineSync(c_.get()) == 1;
    const auto forget_prepared = [&] {
      // Which of this pipeline's statements the server kept is unknown after a failure: start afresh.
      drain();
      std::string ignored;
      if (!broken()) {
        static_cast<void>(command("DEALLOCATE ALL", ignored));
      }
      prepared_.clear();
    };
    if (!sent) {
      error = this->error();
      forget_prepared();
      return {};
    }
    bool failed = false;
    const auto next = [&]() -> result {
      result last;
      while (PGresult* r = PQgetResult(c_.get())) {
        last.reset(r);
      }
      const auto status = last ? PQresultStatus(last.get()) : PGRES_FATAL_ERROR;
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        if (!failed) {
          error = last ? result_error(last.get()) : this->error();
        }
        failed = true;
      }
      return last;
    };
    for (std::size_t i = 0; i < statements.size() && !broken(); ++i) {
      if (preparing[i]) {
        static_cast<void>(next());
      }
      out.push_back(next());
    }
    failed = failed || broken();
    if (failed) {
      forget_prepared();
      return {};
    }
    drain();
    if (prepared_.size() > 512) {
      std::string ignored;
      static_cast<void>(command("DEALLOCATE ALL", ignored));
      prepared_.clear();
    }
    return out;
  }

  // Waits up to `timeout` for a notification; the largest position any carried, or 0.
  position await_notification(std::chrono::milliseconds timeout) {
    position seen = 0;
    const auto take = [&] {
      PQconsumeInput(c_.get());
      while (PGnotify* n = PQnotifies(c_.get())) {
        seen = std::max<position>(seen, std::strtoull(n->extra, nullptr, 10));
        PQfreemem(n);
      }
    };
    take();
    if (seen != 0) {
      return seen;
    }
    pollfd fd{PQsocket(c_.get()), POLLIN, 0};
    if (fd.fd >= 0 && ::poll(&fd, 1, static_cast<int>(timeout.count())) > 0) {
      take();
    }
    return seen;
  }

 private:
  explicit connection(std::unique_ptr<PGconn, connection_closer> c) : c_(std::move(c)) {}

  void drain() {
    // Read up to and including the sync, then leave pipeline mode.
    for (int guard = 0; guard < 1'000'000; ++guard) {
      PGresult* r = PQgetResult(c_.get());
      if (r == nullptr) {
        if (PQpipelineStatus(c_.get()) == PQ_PIPELINE_OFF || broken()) {
          break;
        }
        if (PQexitPipelineMode(c_.get()) == 1) {
          break;
        }
        continue;
      }
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) {
        PQexitPipelineMode(c_.get());
        break;
      }
    }
  }

  static std::string result_error(const PGresult* r) {
    if (r == nullptr) {
      return "no answer from the server";
    }
    std::string why = PQresultErrorMessage(r);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) {
      why.pop_back();
    }
    return why.empty() ? std::string(PQresStatus(PQresultStatus(r))) : why;
  }

  std::unique_ptr<PGconn, connection_closer> c_;
  std::unordered_map<std::string, std::string> prepared_;
  std::size_t statements_ = 0;
};

}  // namespace decider::detail::pg
