// decider/postgres/store.hpp — a durable DCB event store in PostgreSQL (target decider::postgres, on libpq): the
// engine to use when several machines append. The store creates and migrates its own versioned schema (one
// PostgreSQL schema per store). Types and tags live in dictionary tables; event_tags(tag_id, position) is a btree.
// An append group runs in one READ COMMITTED transaction: first, as its own statement, a lock that orders writers
// (so that the checks after it see every earlier commit), then the condition checks, the inserts, the tags and a
// NOTIFY. Positions are assigned under that lock and the lock is held until the commit: commit order is position
// order, and a reader never sees a later position before an earlier one. The appends queued in this process meanwhile
// are committed in the same transaction (group commit), in two round trips (libpq pipeline mode).
//   auto store = decider::postgres_store<decider::json_codec<my_event>>::open("host=/run/postgresql dbname=app");
#pragma once

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decider/config.hpp"
#include "decider/postgres/detail/libpq.hpp"
#include "decider/postgres/detail/sql.hpp"
#include "decider/store/codec.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/detail/commit_plan.hpp"
#include "decider/store/detail/durable.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace decider {

struct postgres_options {
  std::string schema = "decider";                      // the PostgreSQL schema holding this store's tables
  std::chrono::seconds connect_timeout{10};            // an unreachable server fails within this
  std::chrono::milliseconds lock_timeout{30'000};      // an append waits at most this for another writer's lock
  std::size_t max_event_bytes = std::size_t{1} << 20;  // type, payload, tags and metadata of one event
  std::size_t max_group = 256;                         // appends committed in one transaction, at most
  std::chrono::microseconds group_wait{400};           // a commit waits this long, at most, for the writers it expects
  std::size_t max_readers = 8;                         // reader connections, at most (the writer has its own)
  on_decode_error decode = on_decode_error::fail;  // a stored record that does not decode: fail the read, or skip it
};

template <class Codec>
class postgres_store : public detail::durable_front<postgres_store<Codec>, Codec> {
  static_assert(event_codec<Codec>,
                "decider::postgres_store: the codec must model decider::event_codec (encode(event) -> encode_result, "
                "decode(encoded_event, position) -> decode_result).");
  using connection = detail::pg::connection;
  using params = detail::pg::params;
  using statement = detail::pg::statement;

 public:
  using event_type = typename Codec::event_type;
  static constexpr int schema_version = 1;
  friend class detail::durable_front<postgres_store<Codec>, Codec>;

  // Connects, then creates the schema or checks (and migrates) the one found. A server that cannot be reached, a
  // refused login, a schema name that is not a plain identifier, or a schema newer than this library's gives
  // store_unavailable within options.connect_timeout.
  static expected<std::unique_ptr<postgres_store>, store_unavailable> open(const std::string& conninfo,
                                                                           postgres_options options = {},
                                                                           Codec codec = {}) {
    using failure = unexpected<store_unavailable>;
    if (!plain_identifier(options.schema)) {
      return failure(store_unavailable{"the schema name \"" + options.schema +
                                       "\" is not a plain identifier (letters, digits, _; at most 63)"});
    }
    auto writer = connection::open(conninfo, options.connect_timeout);
    if (!writer.has_value()) {
      return failure(store_unavailable{writer.error()});
    }
    std::unique_ptr<postgres_store> store(
        new postgres_store(conninfo, std::move(options), std::move(codec), std::move(*writer)));
    if (auto made = store->prepare_schema(); !made.empty()) {
      return failure(store_unavailable{made});
    }
    return store;
  }

  postgres_store(const postgres_store&) = delete;
  postgres_store& operator=(const postgres_store&) = delete;
  ~postgres_store() = default;

  // The last position stored (by any process), or 0 when the server cannot say.
  [[nodiscard]] position head() const {
    auto lease = readers_.acquire();
    if (!lease.has_value()) {
      return published_.load();
    }
    std::string error;
    const auto r =
        lease->get()->query("SELECT coalesce(max(position), 0)::int8 FROM " + schema_ + ".events", {}, error);
    if (!r || PQntuples(r.get()) != 1) {
      if (lease->get()->broken()) {
        readers_.discard(std::move(*lease));
      }
      return published_.load();
    }
    return static_cast<position>(detail::pg::int8_at(r.get(), 0, 0));
  }

  // Waits for an append past `after`: woken by this process's appends, and by other processes' NOTIFY; without a
  // notification (a lost connection), the timeout ends the wait and the subscription polls by reading again.
  bool wait_for_append(position after, std::chrono::milliseconds timeout) const {
    if (published_.load() > after || remote_.load() > after) {
      return true;
    }
    std::unique_lock listening(listen_mutex_, std::try_to_lock);
    if (!listening.owns_lock()) {
      std::unique_lock lock(wake_mutex_);
      return appended_.wait_for(lock, timeout, [&] { return published_.load() > after || remote_.load() > after; });
    }
    if (!listener_ || listener_->broken()) {
      listener_.reset();
      auto opened = connection::open(conninfo_, options_.connect_timeout);
      std::string error;
      if (!opened.has_value() || !(*opened)->command("LISTEN \"" + channel_ + "\"", error)) {
        listening.unlock();
        std::this_thread::sleep_for(timeout);  // polling fallback
        return false;
      }
      listener_ = std::move(*opened);
    }
    const position seen = listener_->await_notification(timeout);
    if (seen > 0) {
      std::lock_guard wake(wake_mutex_);
      position current = remote_.load();
      while (seen > current && !remote_.compare_exchange_weak(current, seen)) {
      }
    }
    appended_.notify_all();
    return published_.load() > after || remote_.load() > after;
  }

  [[nodiscard]] std::pair<std::size_t, std::size_t> commits_and_appends() const { return queue_.groups_and_appends(); }
  [[nodiscard]] const std::string& schema() const noexcept { return options_.schema; }
  // Of those transactions, how many took one round trip (the writer knew the log's tail).
  [[nodiscard]] std::size_t one_round_trip_commits() const {
    std::lock_guard writer(writer_mutex_);
    return fast_commits_;
  }

  // Drops this store's schema and everything in it: for tests and for tearing down a tenant.
  [[nodiscard]] expected<void, store_unavailable> drop_schema() {
    std::string error;
    std::lock_guard writer(writer_mutex_);
    if (!writer_->command("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE", error)) {
      return unexpected<store_unavailable>(store_unavailable{error});
    }
    return {};
  }

 private:
  // At most `limit` reader connections: a server accepts only so many (max_connections), and more than a few per
  // core only queue inside it. Readers past the limit wait for a connection to come back.
  class reader_pool {
   public:
    reader_pool(std::string conninfo, std::chrono::seconds timeout, std::size_t limit)
        : conninfo_(std::move(conninfo)), timeout_(timeout), limit_(std::max<std::size_t>(limit, 1)) {}
    struct returner {
      reader_pool* pool;
      void operator()(connection* c) const { pool->release(c); }
    };
    using lease = std::unique_ptr<connection, returner>;
    expected<lease, store_unavailable> acquire() {
      {
        std::unique_lock lock(mutex_);
        returned_.wait(lock, [&] { return !free_.empty() || open_ < limit_; });
        if (!free_.empty()) {
          connection* c = free_.back().release();
          free_.pop_back();
          return lease(c, returner{this});
        }
        ++open_;
      }
      auto opened = connection::open(conninfo_, timeout_);
      if (!opened.has_value()) {
        forget();
        return unexpected<store_unavailable>(store_unavailable{opened.error()});
      }
      return lease(opened->release(), returner{this});
    }
    // A broken connection is closed instead of returned.
    void discard(lease l) {
      delete l.release();
      forget();
    }

   private:
    void release(connection* c) {
      {
        std::lock_guard lock(mutex_);
        free_.emplace_back(c);
      }
      returned_.notify_one();
    }
    void forget() {
      {
        std::lock_guard lock(mutex_);
        --open_;
      }
      returned_.notify_one();
    }
    std::string conninfo_;
    std::chrono::seconds timeout_;
    std::size_t limit_;
    std::mutex mutex_;
    std::condition_variable returned_;
    std::size_t open_ = 0;
    std::vector<std::unique_ptr<connection>> free_;
  };

  postgres_store(std::string conninfo, postgres_options options, Codec codec, std::unique_ptr<connection> writer)
      : detail::durable_front<postgres_store, Codec>(std::move(codec), options.decode),
        conninfo_(std::move(conninfo)),
        options_(std::move(options)),
        schema_("\"" + options_.schema + "\""),
        channel_("decider_" + options_.schema),
        writer_(std::move(writer)),
        readers_(conninfo_, options_.connect_timeout, options_.max_readers),
        queue_(options_.max_group, options_.group_wait) {}

  static bool plain_identifier(const std::string& name) {
    if (name.empty() || name.size() > 63 || std::isdigit(static_cast<unsigned char>(name.front())) != 0) {
      return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
  }

  std::string prepare_schema() {
    std::string error;
    const auto fail = [&](const std::string& why) {
      std::string ignored;
      writer_->command("ROLLBACK", ignored);
      return "schema " + options_.schema + ": " + why;
    };
    if (!configure_writer(error) || !writer_->command("BEGIN", error)) {
      return fail(error);
    }
    params lock;
    const auto key = lock.own("decider schema " + options_.schema);
    // Openers of one schema take turns (the hash only names the lock; nothing is matched by it).
    if (!writer_->query("SELECT pg_advisory_xact_lock(hashtext(" + key + "))", lock, error)) {
      return fail(error);
    }
    params where;
    const auto table = where.own(schema_ + ".schema_version");
    const auto found = writer_->query("SELECT to_regclass(" + table + ") IS NOT NULL", where, error);
    if (!found) {
      return fail(error);
    }
    const bool exists = PQgetvalue(found.get(), 0, 0)[0] != 0;
    if (!exists) {
      const std::string s = schema_;
      // [docs:postgres-schema]
      const std::string ddl = "CREATE SCHEMA IF NOT EXISTS " + s +
                              ";"
                              "CREATE TABLE " +
                              s +
                              ".schema_version (version int NOT NULL);"
                              "INSERT INTO " +
                              s +
                              ".schema_version VALUES (1);"
                              "CREATE TABLE " +
                              s +
                              ".event_types (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                              "  name text NOT NULL UNIQUE);"
                              "CREATE TABLE " +
                              s +
                              ".tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);"
                              "CREATE TABLE " +
                              s +
                              ".events ("
                              "  position bigint PRIMARY KEY,"  // assigned under the append lock: commit order
                              "  type_id int NOT NULL,"         // event_types.id
                              "  schema_version int NOT NULL,"
                              "  payload bytea NOT NULL,"
                              "  tags bytea NOT NULL,"        // the tag set as read back, each as <length>:<bytes>
                              "  event_id text,"              // NULL when the caller gave none
                              "  batch_end bigint NOT NULL,"  // the last position of its append: retries are recognized
                              "  recorded_at bigint NOT NULL,"  // nanoseconds since 1970
                              "  correlation_id text NOT NULL,"
                              "  causation_id text NOT NULL);"
                              "CREATE UNIQUE INDEX events_by_id ON " +
                              s +
                              ".events (event_id) WHERE event_id IS NOT NULL;"
                              "CREATE INDEX events_by_type ON " +
                              s +
                              ".events (type_id, position);"
                              "CREATE TABLE " +
                              s +
                              ".event_tags ("
                              "  tag_id bigint NOT NULL,"            // tags.id
                              "  position bigint NOT NULL,"          // events.position
                              "  PRIMARY KEY (tag_id, position));";  // a btree: one tag's positions in order
      // [/docs:postgres-schema]
      if (!writer_->command(ddl, error)) {
        return fail(error);
      }
    } else {
      const auto version = writer_->query("SELECT max(version)::int8 FROM " + schema_ + ".schema_version", {}, error);
      if (!version) {
        return fail(error);
      }
      const auto v = PQgetisnull(version.get(), 0, 0) ? 0 : detail::pg::int8_at(version.get(), 0, 0);
      if (v > schema_version) {
        return fail("its version is " + std::to_string(v) + ", newer than this library's (" +
                    std::to_string(schema_version) + "); open it with a newer decider");
      }
      // Migrations from older versions go here, each in this transaction, ending with the new version number.
    }
    if (!writer_->command("COMMIT", error)) {
      return fail(error);
    }
    return {};
  }

  template <class Row>
  expected<std::size_t, read_error> scan(const query& q, const read_options& options, Row&& row) const {
    constexpr auto top = std::numeric_limits<std::int64_t>::max();
    const auto as_int = [](position p) {
      return static_cast<std::int64_t>(std::min<position>(p, static_cast<position>(top)));
    };
    const std::int64_t lo = options.backwards ? 0 : as_int(options.from.value_or(0));
    const std::int64_t hi = options.backwards ? (options.from ? as_int(*options.from) : top) : top;
    std::optional<std::int64_t> limit;
    if (options.limit) {
      limit = as_int(*options.limit);
    }
    const detail::pg::select_builder select(schema_, q, lo, hi, options.backwards, limit, true);
    if (select.nothing || (limit && *limit == 0)) {
      return std::size_t{0};
    }
    auto lease = readers_.acquire();
    if (!lease.has_value()) {
      return unexpected<read_error>(std::move(lease).error());
    }
    std::string error;
    const auto r = lease->get()->query(select.sql, select.p, error);
    if (!r) {
      if (lease->get()->broken()) {
        readers_.discard(std::move(*lease));
      }
      return unexpected<read_error>(store_unavailable{"a read failed: " + error});
    }
    const int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i) {
      auto record = record_at(r.get(), i);
      if (!record.has_value()) {
        return unexpected<read_error>(std::move(record).error());
      }
      row(std::move(*record));
    }
    return static_cast<std::size_t>(n);
  }

  static expected<stored_record, read_error> record_at(const PGresult* r, int i) {
    using namespace detail::pg;
    stored_record out;
    out.position = static_cast<position>(int8_at(r, i, 0));
    out.record.type = std::string(bytes_at(r, i, 1));
    out.record.version = int4_at(r, i, 2);
    out.record.payload = std::string(bytes_at(r, i, 3));
    auto tags = detail::unpack_tags(bytes_at(r, i, 4));
    if (!tags) {
      return unexpected<read_error>(
          store_unavailable{"the tags of the event at position " + std::to_string(out.position) + " are damaged"});
    }
    out.tags = std::move(*tags);
    out.metadata.event_id =
        PQgetisnull(r, i, 5) ? made_up_event_id_for("postgres", out.position) : std::string(bytes_at(r, i, 5));
    out.metadata.recorded_at = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(int8_at(r, i, 6))));
    out.metadata.correlation_id = std::string(bytes_at(r, i, 7));
    out.metadata.causation_id = std::string(bytes_at(r, i, 8));
    return out;
  }

  append_result submit(std::vector<event_to_append<event_type>>& batch, const query* condition,
                       std::optional<position> after) {
    auto encoded = detail::encode_batch(this->codec_, batch, options_.max_event_bytes, "postgres");
    if (!encoded.has_value()) {
      return unexpected<append_error>(std::move(encoded).error());
    }
    // Text PostgreSQL cannot hold is refused here, before it could fail a whole group's transaction.
    for (std::size_t i = 0; i < encoded->size(); ++i) {
      const auto& e = (*encoded)[i];
      const auto not_storable = [&](const std::string& what) {
        return unexpected<append_error>(invalid_append{"event " + std::to_string(i + 1) + " of the batch has " + what +
                                                       " that is not UTF-8 or holds a NUL byte, which PostgreSQL "
                                                       "text cannot store"});
      };
      if (!detail::pg::storable_text(e.record.type)) return not_storable("a type name");
      for (const auto& t : e.tags) {
        if (!detail::pg::storable_text(t)) return not_storable("a tag");
      }
      if (!detail::pg::storable_text(e.metadata.event_id) || !detail::pg::storable_text(e.metadata.correlation_id) ||
          !detail::pg::storable_text(e.metadata.causation_id)) {
        return not_storable("metadata");
      }
    }
    detail::queued_append mine{std::move(*encoded), condition, after, std::nullopt};
    queue_.submit(mine, [this](std::vector<detail::queued_append*>& group) { commit(group); });
    return std::move(*mine.result);
  }

  // The writer: two round trips for the whole group. First the lock (its own statement), the head, the stored ids
  // of the group and one check per condition; then, once each append is decided here, the inserts, NOTIFY and
  // COMMIT.
  void commit(std::vector<detail::queued_append*>& group) {
    std::lock_guard writer(writer_mutex_);
    std::string error;
    const auto fail_all = [&](const std::string& why) {
      std::string ignored;
      if (writer_->broken()) {
        reconnect();
      } else {
        writer_->command("ROLLBACK", ignored);
      }
      for (auto* a : group) {
        a->result = unexpected<append_error>(store_unavailable{"the append was not committed: " + why});
      }
    };
    if (writer_->broken() && !reconnect()) {
      return fail_all("the connection to PostgreSQL is lost and could not be made again");
    }
    if (commit_in_one_round_trip(group)) {
      return;
    }
    std::vector<statement> first(3);
    first[0].sql = "BEGIN ISOLATION LEVEL READ COMMITTED";
    first[1].sql = "LOCK TABLE " + schema_ + ".events IN EXCLUSIVE MODE";
    first[2].sql = "SELECT coalesce(max(position), 0)::int8 FROM " + schema_ + ".events";
    std::vector<const std::string*> ids;
    for (const auto* a : group) {
      for (const auto& e : a->events) {
        if (!e.metadata.event_id.empty()) {
          ids.push_back(&e.metadata.event_id);
        }
      }
    }
    const std::size_t ids_at = first.size();
    if (!ids.empty()) {
      detail::pg::array_literal wanted;
      for (const auto* id : ids) {
        wanted.text(*id);
      }
      statement s;
      s.sql = "SELECT e.event_id, e.position, e.batch_end, coalesce((SELECT p.batch_end FROM " + schema_ +
              ".events p WHERE p.position = e.position - 1), 0) FROM " + schema_ + ".events e WHERE e.event_id = ANY(" +
              s.p.own(std::move(wanted).done()) + "::text[])";
      first.push_back(std::move(s));
    }
    const std::size_t ids_end = first.size();
    // Dictionary ids for the names this writer has not seen committed yet: made where new, in this transaction.
    std::set<std::string_view> unknown_types;
    std::set<std::string_view> unknown_tags;
    for (const auto* a : group) {
      for (const auto& e : a->events) {
        if (type_ids_.count(e.record.type) == 0) unknown_types.insert(e.record.type);
        for (const auto& t : e.tags) {
          if (tag_ids_.count(t) == 0) unknown_tags.insert(t);
        }
      }
    }
    const auto resolve = [&](const char* table, const std::set<std::string_view>& names) -> std::optional<std::size_t> {
      if (names.empty()) return std::nullopt;
      detail::pg::array_literal all;
      for (const auto& n : names) {
        all.text(n);
      }
      statement s;
      const std::string t = schema_ + "." + table;
      s.sql = "WITH wanted (name) AS (SELECT unnest(" + s.p.own(std::move(all).done()) +
              "::text[])), made AS (INSERT INTO " + t +
              " (name) SELECT name FROM wanted ON CONFLICT (name) DO NOTHING RETURNING id, name) "
              "SELECT id::int8, name FROM made UNION ALL SELECT d.id::int8, d.name FROM " +
              t + " d JOIN wanted w ON w.name = d.name";
      first.push_back(std::move(s));
      return first.size() - 1;
    };
    const auto types_at = resolve("event_types", unknown_types);
    const auto tags_at = resolve("tags", unknown_tags);

    // The conditions. One whose `after` is recent is checked here against the events stored after it, read in
    // this transaction after the lock (one statement for the whole group: the events since the oldest such
    // `after`); the others (no `after`, or an old one) each by an indexed statement of their own.
    std::vector<std::optional<std::size_t>> check_of(group.size());
    std::vector<bool> checked_here(group.size(), false);
    std::vector<std::unique_ptr<detail::pg::select_builder>> checks;
    const auto check_in_sql = [&](std::size_t g, std::vector<statement>& into) {
      const auto* a = group[g];
      const auto lo = static_cast<std::int64_t>(std::min<position>(a->after.value_or(0), position{1} << 62)) + 1;
      auto select = std::make_unique<detail::pg::select_builder>(
          schema_, *a->condition, lo, std::numeric_limits<std::int64_t>::max(), false, std::int64_t{1}, false);
      if (select->nothing) {
        return;
      }
      check_of[g] = into.size();
      into.push_back({select->sql, std::move(select->p)});
      checks.push_back(std::move(select));
    };
    std::optional<position> recent_from;
    for (std::size_t g = 0; g < group.size(); ++g) {
      const auto* a = group[g];
      if (a->condition == nullptr) {
        continue;
      }
      if (a->after && *a->after + recent_window >= known_head_) {
        checked_here[g] = true;
        recent_from = std::min(recent_from.value_or(*a->after), *a->after);
      } else {
        check_in_sql(g, first);
      }
    }
    std::optional<std::size_t> recent_at;
    if (recent_from) {
      statement recent;
      recent.sql = "SELECT e.position, ty.name, e.tags FROM " + schema_ + ".events e JOIN " + schema_ +
                   ".event_types ty ON ty.id = e.type_id WHERE e.position > " +
                   recent.p.number(static_cast<std::int64_t>(*recent_from)) + " ORDER BY e.position LIMIT " +
                   std::to_string(recent_rows + 1);
      recent_at = first.size();
      first.push_back(std::move(recent));
    }
    auto answers = writer_->pipeline(first, error);
    if (answers.empty()) {
      return fail_all(error);
    }
    std::unordered_map<std::string_view, std::int64_t> new_ids;  // of this transaction: cached once committed
    std::unordered_map<std::string_view, std::int64_t> new_tag_ids;
    for (const auto& [at, into] : {std::pair{types_at, &new_ids}, std::pair{tags_at, &new_tag_ids}}) {
      if (!at) continue;
      const PGresult* r = answers[*at].get();
      for (int i = 0; i < PQntuples(r); ++i) {
        (*into)[detail::pg::bytes_at(r, i, 1)] = detail::pg::int8_at(r, i, 0);
      }
    }
    const auto type_id = [&](const std::string& name) {
      const auto known = type_ids_.find(name);
      return known != type_ids_.end() ? known->second : new_ids.at(name);
    };
    const auto tag_id = [&](const std::string& name) {
      const auto known = tag_ids_.find(name);
      return known != tag_ids_.end() ? known->second : new_tag_ids.at(name);
    };
    struct recent_event {
      position at;
      std::string type;
      std::vector<tag> tags;
    };
    std::vector<recent_event> recent;
    if (recent_at) {
      const PGresult* r = answers[*recent_at].get();
      const int rows = PQntuples(r);
      if (rows > static_cast<int>(recent_rows)) {
        // More was stored since than the window holds (other processes were busy): check those in SQL after all.
        std::vector<statement> more;
        const std::size_t offset = answers.size();
        for (std::size_t g = 0; g < group.size(); ++g) {
          if (checked_here[g]) {
            checked_here[g] = false;
            check_in_sql(g, more);
            if (check_of[g]) {
              *check_of[g] += offset;
            }
          }
        }
        auto extra = writer_->pipeline(more, error);
        if (extra.empty() && !more.empty()) {
          return fail_all(error);
        }
        for (auto& e : extra) {
          answers.push_back(std::move(e));
        }
      } else {
        recent.reserve(static_cast<std::size_t>(rows));
        for (int i = 0; i < rows; ++i) {
          auto tags = detail::unpack_tags(detail::pg::bytes_at(r, i, 2));
          recent.push_back({static_cast<position>(detail::pg::int8_at(r, i, 0)),
                            std::string(detail::pg::bytes_at(r, i, 1)), tags ? std::move(*tags) : std::vector<tag>{}});
        }
      }
    }
    const auto stored_head = static_cast<position>(detail::pg::int8_at(answers[2].get(), 0, 0));
    std::unordered_map<std::string_view, stored_id> known;
    for (std::size_t k = ids_at; k < ids_end; ++k) {
      const PGresult* r = answers[k].get();
      for (int i = 0; i < PQntuples(r); ++i) {
        const auto end = static_cast<position>(detail::pg::int8_at(r, i, 2));
        const bool first_of_append = detail::pg::int8_at(r, i, 3) != detail::pg::int8_at(r, i, 2);
        known[detail::pg::bytes_at(r, i, 0)] = {static_cast<position>(detail::pg::int8_at(r, i, 1)),
                                                first_of_append ? std::optional<position>(end) : std::nullopt};
      }
    }
    const auto stored = [&](std::string_view id) -> std::optional<stored_id> {
      const auto at = known.find(id);
      return at == known.end() ? std::nullopt : std::optional<stored_id>(at->second);
    };
    const auto stored_conflict = [&](std::size_t g) -> std::optional<position> {
      const auto* a = group[g];
      if (check_of[g]) {
        const PGresult* r = answers[*check_of[g]].get();
        if (PQntuples(r) > 0) {
          return static_cast<position>(detail::pg::int8_at(r, 0, 0));
        }
      }
      if (checked_here[g]) {
        const auto conflict = std::find_if(recent.begin(), recent.end(), [&](const recent_event& e) {
          return e.at > *a->after && a->condition->matches(e.type, e.tags);
        });
        if (conflict != recent.end()) {
          return conflict->at;
        }
      }
      return std::nullopt;
    };
    auto plan = detail::plan_commit(group, stored_head, stored, stored_conflict, "postgres");
    const auto& accepted = plan.accepted;
    const position head = plan.head;
    std::vector<statement> second;
    add_inserts(accepted, type_id, tag_id, second);
    statement notify;
    notify.sql =
        "SELECT pg_notify(" + notify.p.ref(channel_) + ", " + notify.p.number(static_cast<std::int64_t>(head)) + ")";
    if (!accepted.empty()) {
      second.push_back(std::move(notify));
    }
    second.push_back({"COMMIT", {}});
    auto committed = writer_->pipeline(second, error);
    if (committed.empty()) {
      return fail_all(error);
    }
    for (std::size_t g = 0; g < group.size(); ++g) {
      group[g]->result = std::move(plan.answers[g]);
    }
    for (const auto& [name, id] : new_ids) {
      remember(type_ids_, name, id);
    }
    for (const auto& [name, id] : new_tag_ids) {
      remember(tag_ids_, name, id);
    }
    // What this writer now knows of the log's tail: the events read since recent_from, if complete, and the
    // group's own.
    ring_.clear();
    ring_start_ = stored_head;
    if (recent_from && recent.size() <= recent_rows && (!recent.empty() || stored_head <= *recent_from)) {
      ring_start_ = std::min(*recent_from, stored_head);
      for (auto& e : recent) {
        ring_.push_back({e.at, std::move(e.type), std::move(e.tags)});
      }
    }
    for (const auto& p : accepted) {
      ring_.push_back({p.at, p.event->record.type, p.event->tags});
    }
    published(head);
  }

  void published(position head) {
    while (ring_.size() > recent_rows) {
      ring_start_ = ring_.front().at;
      ring_.pop_front();
    }
    known_head_ = head;
    ring_valid_ = true;
    {
      std::lock_guard wake(wake_mutex_);
      published_.store(head);
    }
    appended_.notify_all();
  }

  // The common case in one round trip: when this writer knows the log's tail (no other process appended since
  // its last commit, which the transaction verifies under the lock), it decides the whole group here, and sends
  // the checks, the inserts, NOTIFY and COMMIT together. Any check failing in the database (the head moved, an
  // event id is stored, an old condition matches) aborts the transaction; the group is then decided again by
  // the two-round-trip path. False when the group was not committed here.
  bool commit_in_one_round_trip(std::vector<detail::queued_append*>& group) {
    if (!ring_valid_ || skip_fast_ > 0) {
      skip_fast_ -= skip_fast_ > 0 ? 1 : 0;
      return false;
    }
    for (const auto* a : group) {
      for (const auto& e : a->events) {
        if (type_ids_.count(e.record.type) == 0) return false;  // new dictionary names: the other path
        for (const auto& t : e.tags) {
          if (tag_ids_.count(t) == 0) return false;
        }
      }
    }
    std::vector<statement> all(3);
    all[0].sql = "BEGIN ISOLATION LEVEL READ COMMITTED";
    all[1].sql = "LOCK TABLE " + schema_ + ".events IN EXCLUSIVE MODE";
    // The guard: a setting of this transaction, on while every check holds. Each check turns it off where it
    // fails; the inserts and NOTIFY happen only while it is on; the last statement reads it. A group whose guard
    // ends off commits nothing (an empty transaction) and is decided again the two-round-trip way. No statement
    // fails, so the server logs no error.
    all[2].sql = "SELECT set_config('" + std::string(guard_setting) + "', CASE WHEN coalesce(max(position), 0) = " +
                 all[2].p.number(static_cast<std::int64_t>(known_head_)) +
                 "::int8 THEN 'on' ELSE 'off' END, true) FROM " + schema_ + ".events";
    const std::string guard_off = "SELECT set_config('" + std::string(guard_setting) + "', 'off', true) WHERE EXISTS (";
    // A condition whose `after` the ring covers is checked against it; an older one by a statement that turns the
    // guard off if a stored event matches (the other path then finds which).
    std::vector<std::unique_ptr<detail::pg::select_builder>> checks;
    const auto stored_conflict = [&](std::size_t g) -> std::optional<position> {
      const auto* a = group[g];
      if (a->after && *a->after >= ring_start_) {
        const auto found = std::find_if(ring_.begin(), ring_.end(), [&](const auto& e) {
          return e.at > *a->after && a->condition->matches(e.type, e.tags);
        });
        return found == ring_.end() ? std::nullopt : std::optional<position>(found->at);
      }
      const auto lo = static_cast<std::int64_t>(std::min<position>(a->after.value_or(0), position{1} << 62)) + 1;
      auto select = std::make_unique<detail::pg::select_builder>(
          schema_, *a->condition, lo, static_cast<std::int64_t>(known_head_), false, std::int64_t{1}, false);
      if (!select->nothing) {
        all.push_back({guard_off + select->sql + ")", std::move(select->p)});
        checks.push_back(std::move(select));
      }
      return std::nullopt;
    };
    // Every id is taken to be new here, and the guard turns off if one of the accepted events' ids is stored.
    auto plan = detail::plan_commit(group, known_head_, detail::nothing_stored, stored_conflict, "postgres");
    const auto& accepted = plan.accepted;
    const position head = plan.head;
    detail::pg::array_literal ids;
    bool any_id = false;
    for (const auto& p : accepted) {
      if (!p.event->metadata.event_id.empty()) {
        ids.text(p.event->metadata.event_id);
        any_id = true;
      }
    }
    if (any_id) {
      statement stored;
      stored.sql = guard_off + "SELECT 1 FROM " + schema_ + ".events WHERE event_id = ANY(" +
                   stored.p.own(std::move(ids).done()) + "::text[]))";
      all.push_back(std::move(stored));
    }
    const auto type_id = [&](const std::string& name) { return type_ids_.at(name); };
    const auto tag_id = [&](const std::string& name) { return tag_ids_.at(name); };
    const std::string guard_on = " WHERE current_setting('" + std::string(guard_setting) + "') = 'on'";
    add_inserts(accepted, type_id, tag_id, all, guard_on);
    if (!accepted.empty()) {
      statement notify;
      notify.sql = "SELECT pg_notify(" + notify.p.ref(channel_) + ", " +
                   notify.p.number(static_cast<std::int64_t>(head)) + ")" + guard_on;
      all.push_back(std::move(notify));
    }
    const std::size_t outcome_at = all.size();
    all.push_back({"SELECT current_setting('" + std::string(guard_setting) + "')", {}});
    all.push_back({"COMMIT", {}});
    std::string error;
    const auto answers = writer_->pipeline(all, error);
    const bool committed = !answers.empty() && PQntuples(answers[outcome_at].get()) == 1 &&
                           detail::pg::bytes_at(answers[outcome_at].get(), 0, 0) == "on";
    if (!committed) {
      if (answers.empty() && !writer_->broken()) {
        std::string ignored;
        writer_->command("ROLLBACK", ignored);
      }
      ring_valid_ = false;  // someone else appended, most likely: learn the tail again
      skip_fast_ = 8;       // and while others are appending, do not try this way at every commit
      return false;
    }
    for (std::size_t g = 0; g < group.size(); ++g) {
      group[g]->result = std::move(plan.answers[g]);
    }
    for (const auto& p : accepted) {
      ring_.push_back({p.at, p.event->record.type, p.event->tags});
    }
    published(head);
    ++fast_commits_;
    return true;
  }

  static void remember(std::unordered_map<std::string, std::int64_t>& known, std::string_view name, std::int64_t id) {
    if (known.size() > 1'000'000) {
      known.clear();
    }
    known.emplace(std::string(name), id);
  }

  // One statement for every event of the group, and one for every tag: the same text whatever the group's size,
  // with the dictionaries' ids (resolved in the first round trip).
  // `guard`: a WHERE clause the rows are inserted under ("" for none).
  template <class Placed, class TypeId, class TagId>
  void add_inserts(const std::vector<Placed>& accepted, const TypeId& type_id, const TagId& tag_id,
                   std::vector<statement>& out, const std::string& guard = {}) {
    if (accepted.empty()) {
      return;
    }
    detail::pg::array_literal at, type, version, payload, packed, id, end, recorded, correlation, causation;
    detail::pg::array_literal tag_ids, tag_positions;
    for (const auto& p : accepted) {
      const auto& e = *p.event;
      at.number(static_cast<std::int64_t>(p.at));
      type.number(type_id(e.record.type));
      version.number(e.record.version);
      payload.bytes(e.record.payload);
      packed.bytes(detail::pack_tags(e.tags));
      if (e.metadata.event_id.empty()) {
        id.null();
      } else {
        id.text(e.metadata.event_id);
      }
      end.number(static_cast<std::int64_t>(p.batch_end));
      recorded.number(
          std::chrono::duration_cast<std::chrono::nanoseconds>(e.metadata.recorded_at.time_since_epoch()).count());
      correlation.text(e.metadata.correlation_id);
      causation.text(e.metadata.causation_id);
      for (const auto& t : e.tags) {
        tag_ids.number(tag_id(t));
        tag_positions.number(static_cast<std::int64_t>(p.at));
      }
    }
    statement events;
    auto& v = events.p;
    events.sql = "INSERT INTO " + schema_ +
                 ".events (position, type_id, schema_version, payload, tags, event_id, batch_end, recorded_at, "
                 "correlation_id, causation_id) SELECT * FROM unnest(" +
                 v.own(std::move(at).done()) + "::int8[], " + v.own(std::move(type).done()) + "::int4[], " +
                 v.own(std::move(version).done()) + "::int4[], " + v.own(std::move(payload).done()) + "::bytea[], " +
                 v.own(std::move(packed).done()) + "::bytea[], " + v.own(std::move(id).done()) + "::text[], " +
                 v.own(std::move(end).done()) + "::int8[], " + v.own(std::move(recorded).done()) + "::int8[], " +
                 v.own(std::move(correlation).done()) + "::text[], " + v.own(std::move(causation).done()) +
                 "::text[])" + guard;
    out.push_back(std::move(events));
    statement tags;
    tags.sql = "INSERT INTO " + schema_ + ".event_tags (tag_id, position) SELECT * FROM unnest(" +
               tags.p.own(std::move(tag_ids).done()) + "::int8[], " + tags.p.own(std::move(tag_positions).done()) +
               "::int8[])" + guard;
    out.push_back(std::move(tags));
  }

  bool reconnect() {
    auto opened = connection::open(conninfo_, options_.connect_timeout);
    if (!opened.has_value()) {
      return false;
    }
    writer_ = std::move(*opened);
    std::string error;
    return configure_writer(error);
  }

  // The writer's statements have the same shape every time (arrays, not row lists): plan them once. A bounded wait
  // for another process's lock.
  bool configure_writer(std::string& error) {
    return writer_->command("SET plan_cache_mode = force_generic_plan", error) &&
           writer_->command("SET lock_timeout = " + std::to_string(options_.lock_timeout.count()), error);
  }

  std::string conninfo_;
  postgres_options options_;
  std::string schema_;   // quoted
  std::string channel_;  // NOTIFY channel
  mutable std::mutex writer_mutex_;
  std::unique_ptr<connection> writer_;  // the group's writer only
  mutable reader_pool readers_;
  detail::commit_queue queue_;
  // Conditions whose `after` is at most recent_window behind the last head this writer saw are checked against
  // the events read since (at most recent_rows of them; more, and they are checked in SQL).
  static constexpr position recent_window = 1024;
  // The one-round-trip commit's guard: a setting local to its transaction.
  static constexpr std::string_view guard_setting = "decider.commit_guard";
  static constexpr std::size_t recent_rows = 4096;
  position known_head_ = 0;  // the head after this writer's last commit (the writer's only)
  struct ring_event {
    position at;
    std::string type;
    std::vector<tag> tags;
  };
  std::deque<ring_event> ring_;  // the log's events in (ring_start_, known_head_], when ring_valid_
  position ring_start_ = 0;
  bool ring_valid_ = false;
  std::size_t fast_commits_ = 0;
  std::size_t skip_fast_ = 0;
  std::unordered_map<std::string, std::int64_t> type_ids_;  // the dictionaries' ids, as committed
  std::unordered_map<std::string, std::int64_t> tag_ids_;
  std::atomic<position> published_{0};
  mutable std::atomic<position> remote_{0};
  mutable std::mutex listen_mutex_;
  mutable std::unique_ptr<connection> listener_;
  mutable std::mutex wake_mutex_;
  mutable std::condition_variable appended_;
};

}  // namespace decider
