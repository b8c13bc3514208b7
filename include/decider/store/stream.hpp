// decider/store/stream.hpp — streams for teams with a stream-based store: read a stream, append with an expected
// version (any, no stream, exists, exactly n). stream_adapter gives any event_store this interface: a stream is
// the events carrying the tag that names it (its id), so the events of stream "course:c1" must carry that tag.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "decider/store/concepts.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace decider {

// A stream's version is the number of events in it.
using stream_version = std::uint64_t;

struct expected_version {
  enum class kind { any, no_stream, exists, exact };
  kind is = kind::any;
  stream_version version = 0;  // for exact
  [[nodiscard]] static expected_version any() { return {kind::any, 0}; }
  [[nodiscard]] static expected_version no_stream() { return {kind::no_stream, 0}; }
  [[nodiscard]] static expected_version exists() { return {kind::exists, 0}; }
  [[nodiscard]] static expected_version exact(stream_version n) { return {kind::exact, n}; }
  friend bool operator==(const expected_version&, const expected_version&) = default;
};

template <class Event>
struct stream_read {
  std::vector<stored_event<Event>> events;
  [[nodiscard]] stream_version version() const noexcept { return events.size(); }
};

template <class S>
concept stream_store = requires(S& store, const std::string& stream,
                                std::vector<event_to_append<typename S::event_type>> batch,
                                expected_version expectation) {
  typename S::event_type;
  { store.read_stream(stream) } -> std::same_as<expected<stream_read<typename S::event_type>, read_error>>;
  {
    store.append_to_stream(stream, std::move(batch), expectation)
    } -> std::same_as<expected<stream_version, append_error>>;
};

// Any event_store seen as a stream_store; the stream id is a tag ("course:c1").
template <class Store>
class stream_adapter {
 public:
  using event_type = typename Store::event_type;

  explicit stream_adapter(Store& store) : store_(&store) {}

  [[nodiscard]] expected<stream_read<event_type>, read_error> read_stream(const std::string& stream) const {
    auto read = store_->read(tagged({stream}));
    if (!read.has_value()) {
      return unexpected<read_error>(std::move(read).error());
    }
    return stream_read<event_type>{std::move(*read)};
  }

  [[nodiscard]] expected<stream_version, append_error> append_to_stream(const std::string& stream,
                                                                        std::vector<event_to_append<event_type>> batch,
                                                                        expected_version expectation) {
    using result = expected<stream_version, append_error>;
    for (const auto& item : batch) {
      const auto tags = tags_of(item.event);
      if (!std::binary_search(tags.begin(), tags.end(), stream)) {
        return result(unexpected<append_error>(
            invalid_append{"an event appended to stream " + stream + " does not carry the tag " + stream}));
      }
    }
    const auto current = read_stream(stream);
    if (!current.has_value()) {
      return result(unexpected<append_error>(current.error()));
    }
    const stream_version version = current->version();
    const std::optional<position> last =
        version == 0 ? std::nullopt : std::optional<position>(current->events.back().position);
    std::optional<append_condition> condition;
    switch (expectation.is) {
      case expected_version::kind::any:
        break;
      case expected_version::kind::no_stream:
        if (version != 0) {
          return result(unexpected<append_error>(condition_failed{*last}));
        }
        condition = append_condition{tagged({stream}), std::nullopt};
        break;
      case expected_version::kind::exists:
        if (version == 0) {
          return result(unexpected<append_error>(condition_failed{0}));
        }
        break;
      case expected_version::kind::exact:
        if (version != expectation.version) {
          return result(unexpected<append_error>(condition_failed{last.value_or(0)}));
        }
        condition = append_condition{tagged({stream}), last};
        break;
    }
    const auto added = batch.size();
    auto appended = store_->append(std::move(batch), condition);
    if (!appended.has_value()) {
      return result(unexpected<append_error>(std::move(appended).error()));
    }
    return result(version + added);
  }

 private:
  Store* store_;
};

namespace detail {
// The smallest event_store, to check at compile time that the adapter models stream_store.
struct stream_probe_event {
  static constexpr std::string_view type_name = "probe";
  [[nodiscard]] std::vector<tag> tags() const { return {}; }
};
struct stream_probe_store {
  using event_type = stream_probe_event;
  read_result<event_type> read(const query&, const read_options&) { return {}; }
  append_result append(const std::vector<event_to_append<event_type>>&, const std::optional<append_condition>&) {
    return 0;
  }
};
}  // namespace detail
static_assert(event_store<detail::stream_probe_store>);
static_assert(stream_store<stream_adapter<detail::stream_probe_store>>,
              "decider::stream_adapter must model decider::stream_store");

}  // namespace decider
