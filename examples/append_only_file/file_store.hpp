// An event store over one plain append-only file: how to plug the library into your own storage, and how to
// prove it correct with the conformance suite. The file is the durability: each batch is one write of its event
// lines and a commit line, and reopening replays the committed batches (a torn batch at the end, from a crash
// mid-write, is cut off). A decider::memory_store holds what the file holds and is the read path: indexes, the
// condition check and idempotent retries come from it. One process owns the file (an exclusive flock).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "decider/store/concepts.hpp"
#include "decider/store/memory.hpp"

namespace file_store {

// [docs:codec]
// How events become bytes: the type name is stored by the file store; the codec writes and reads the rest.
template <class C, class Event>
concept codec = requires(const C& c, const Event& e, std::string_view type, std::string_view payload) {
  { c.encode(e) } -> std::convertible_to<std::string>;
  { c.decode(type, payload) } -> std::same_as<decider::expected<Event, std::string>>;
};
// [/docs:codec]

// flush: each append is written to the operating system before it is acknowledged (survives a crash of the
// process). fsync: also forced to the disk (survives a power loss), at the price of a disk flush per append.
enum class durability { flush, fsync };

namespace detail {
// Fields are separated by tabs and records by newlines; inside a field, backslash, tab, newline and comma are
// escaped, so any bytes round-trip.
inline std::string escape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case ',':
        out += "\\c";
        break;
      default:
        out += c;
    }
  }
  return out;
}
inline std::optional<std::string> unescape(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    if (++i == field.size()) return std::nullopt;
    switch (field[i]) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'c':
        out += ',';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}
inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(separator); at != std::string_view::npos; at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}
}  // namespace detail

template <class Event, class Codec>
class store {
  static_assert(codec<Codec, Event>,
                "file_store::store: the codec needs encode(event) -> std::string and "
                "decode(type, payload) -> decider::expected<Event, std::string>.");

 public:
  using event_type = Event;

  // Opens (or creates) the file and replays it. A file that another process holds, that cannot be read, or whose
  // committed records do not decode gives store_unavailable naming the position and type.
  static decider::expected<std::unique_ptr<store>, decider::store_unavailable> open(
      const std::filesystem::path& path, Codec codec = {}, durability mode = durability::flush) {
    using failure = decider::unexpected<decider::store_unavailable>;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
      return failure(
          decider::store_unavailable{"cannot open " + path.string() + ": " + std::system_category().message(errno)});
    std::unique_ptr<store> s(new store(fd, std::move(codec), mode));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
      return failure(decider::store_unavailable{path.string() + " is in use by another process"});
    if (auto replayed = s->replay(path); !replayed) return failure(std::move(replayed).error());
    return s;
  }

  store(const store&) = delete;
  store& operator=(const store&) = delete;
  ~store() { ::close(fd_); }

  [[nodiscard]] decider::read_result<Event> read(const decider::query& q, const decider::read_options& options = {}) {
    if (auto down = unavailable()) return decider::unexpected<decider::read_error>(*down);
    return events_.read(q, options);
  }

  template <class Visit>
  decider::expected<std::size_t, decider::read_error> read_each(const decider::query& q,
                                                                const decider::read_options& options,
                                                                Visit&& visit) const {
    if (auto down = unavailable()) return decider::unexpected<decider::read_error>(*down);
    return events_.read_each(q, options, std::forward<Visit>(visit));
  }

  // [docs:append]
  // Under the writer lock: the memory store judges the batch (decider::judge_batch: its ids, a retry), checks the
  // condition, names the events given no id (file-<position>), and assigns positions;
  // then the batch is written to the file in one write, and only then acknowledged. If the write fails, the store
  // stops (every later call answers store_unavailable) until it is reopened from the file, which never holds a
  // batch that was not acknowledged whole.
  [[nodiscard]] decider::append_result append(std::vector<decider::event_to_append<Event>> batch,
                                              const std::optional<decider::append_condition>& condition = {}) {
    std::lock_guard writer(write_mutex_);
    if (auto down = unavailable()) return decider::unexpected<decider::append_error>(*down);
    const decider::position before = events_.head();
    auto appended = events_.append(std::move(batch), condition);
    if (!appended || *appended <= before) return appended;  // refused, or a retry of a stored batch
    std::string text;
    const auto written =
        events_.read_each(decider::query::all(), {.from = before + 1}, [&](const auto& e) { text += record(e); });
    text += "C\t" + std::to_string(*appended) + "\n";
    if (!written || !write_all(text)) {
      std::lock_guard guard(state_mutex_);
      failure_ = "an append could not be written to the file (" + std::string(std::system_category().message(errno)) +
                 "); reopen the store: it holds every acknowledged append";
      return decider::unexpected<decider::append_error>(decider::store_unavailable{*failure_});
    }
    return appended;
  }
  // [/docs:append]

  [[nodiscard]] decider::position head() const { return events_.head(); }

 private:
  store(int fd, Codec codec, durability mode)
      : fd_(fd), codec_(std::move(codec)), mode_(mode), events_(decider::memory_options{.id_prefix = "file"}) {}

  std::optional<decider::store_unavailable> unavailable() const {
    std::lock_guard guard(state_mutex_);
    if (failure_) return decider::store_unavailable{*failure_};
    return std::nullopt;
  }

  // E <position> <type> <tags,> <event id> <recorded ns> <correlation> <causation> <payload>
  std::string record(const decider::stored_event<Event>& e) const {
    std::string tags;
    for (const auto& t : e.tags) {
      tags += (tags.empty() ? "" : ",") + detail::escape(t);
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(e.metadata.recorded_at.time_since_epoch());
    return "E\t" + std::to_string(e.position) + '\t' + detail::escape(e.type) + '\t' + tags + '\t' +
           detail::escape(e.metadata.event_id) + '\t' + std::to_string(ns.count()) + '\t' +
           detail::escape(e.metadata.correlation_id) + '\t' + detail::escape(e.metadata.causation_id) + '\t' +
           detail::escape(codec_.encode(e.event)) + '\n';
  }

  bool write_all(const std::string& text) {
    const off_t size_before = ::lseek(fd_, 0, SEEK_END);
    std::size_t done = 0;
    while (done < text.size()) {
      const auto n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (size_before >= 0) (void)::ftruncate(fd_, size_before);  // leave no torn batch behind, if we can
        return false;
      }
      done += static_cast<std::size_t>(n);
    }
    return mode_ != durability::fsync || ::fsync(fd_) == 0;
  }

  // Reads the file; appends each committed batch to the memory store; cuts off what follows the last commit.
  decider::expected<void, decider::store_unavailable> replay(const std::filesystem::path& path) {
    using failure = decider::unexpected<decider::store_unavailable>;
    std::string content;
    {
      char buffer[1 << 16];
      if (::lseek(fd_, 0, SEEK_SET) < 0) return failure(decider::store_unavailable{"cannot read " + path.string()});
      for (ssize_t n; (n = ::read(fd_, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
          return failure(decider::store_unavailable{"cannot read " + path.string() + ": " +
                                                    std::system_category().message(errno)});
        content.append(buffer, static_cast<std::size_t>(n));
      }
    }
    std::vector<decider::event_to_append<Event>> pending;
    std::size_t committed_bytes = 0;
    std::size_t line_start = 0;
    for (std::size_t end = content.find('\n'); end != std::string::npos; end = content.find('\n', line_start)) {
      const auto fields = detail::split(std::string_view(content).substr(line_start, end - line_start), '\t');
      line_start = end + 1;
      if (fields.size() == 2 && fields[0] == "C") {
        const auto expected_last = events_.head() + pending.size();
        if (pending.empty() || fields[1] != std::to_string(expected_last)) break;  // not a commit of this batch
        if (!events_.append(std::move(pending)))
          return failure(decider::store_unavailable{"cannot replay " + path.string()});
        pending.clear();
        committed_bytes = line_start;
        continue;
      }
      if (fields.size() != 9 || fields[0] != "E" || fields[1] != std::to_string(events_.head() + pending.size() + 1)) {
        break;  // a torn or foreign line: the batch it belongs to was never acknowledged
      }
      auto decoded = decode(fields);
      if (!decoded) {
        return failure(decider::store_unavailable{"position " + std::string(fields[1]) + " (type " +
                                                  std::string(fields[2]) + ") in " + path.string() + ": " +
                                                  decoded.error()});
      }
      pending.push_back(std::move(*decoded));
    }
    if (committed_bytes < content.size() && ::ftruncate(fd_, static_cast<off_t>(committed_bytes)) != 0) {
      return failure(decider::store_unavailable{"cannot cut the torn end of " + path.string() + ": " +
                                                std::system_category().message(errno)});
    }
    return {};
  }

  decider::expected<decider::event_to_append<Event>, std::string> decode(
      const std::vector<std::string_view>& fields) const {
    const auto type = detail::unescape(fields[2]);
    const auto payload = detail::unescape(fields[8]);
    const auto id = detail::unescape(fields[4]);
    const auto correlation = detail::unescape(fields[6]);
    const auto causation = detail::unescape(fields[7]);
    if (!type || !payload || !id || !correlation || !causation) {
      return decider::unexpected<std::string>("a field is not escaped correctly");
    }
    auto event = codec_.decode(*type, *payload);
    if (!event) return decider::unexpected<std::string>(std::move(event).error());
    if (std::string(decider::type_name_of(*event)) != *type) {
      return decider::unexpected<std::string>("the codec decoded another type");
    }
    std::int64_t ns = 0;
    if (const auto [end, error] = std::from_chars(fields[5].data(), fields[5].data() + fields[5].size(), ns);
        error != std::errc{} || end != fields[5].data() + fields[5].size()) {
      return decider::unexpected<std::string>("the recorded time is not a number");
    }
    // An id the store made up (file-<position>) is made up again by the memory store, at the same position.
    const bool made_up = *id == "file-" + std::string(fields[1]);
    decider::event_metadata metadata{made_up ? std::string() : *id,
                                     std::chrono::system_clock::time_point(std::chrono::nanoseconds(ns)), *correlation,
                                     *causation};
    return decider::event_to_append<Event>{std::move(*event), std::move(metadata)};
  }

  int fd_;
  Codec codec_;
  durability mode_;
  decider::memory_store<Event> events_;
  std::mutex write_mutex_;
  mutable std::mutex state_mutex_;
  std::optional<std::string> failure_;
};

}  // namespace file_store
