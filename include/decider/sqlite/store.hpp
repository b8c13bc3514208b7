// decider/sqlite/store.hpp — a durable DCB event store in one SQLite file (target decider::sqlite): the embedded
// default. WAL journal; positions are the events table's INTEGER PRIMARY KEY, assigned in commit order under
// SQLite's write lock; tags sit in a WITHOUT ROWID table keyed (tag, position). An append's condition check and
// its inserts run in one BEGIN IMMEDIATE transaction, and the appends that callers queue meanwhile are committed
// together (group commit): each is checked against the database, which already holds the earlier appends of the
// same transaction. Several processes may open one file; SQLite's lock orders their transactions.
//   auto store = decider::sqlite_store<decider::json_codec<my_event>>::open("events.db");
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "decider/config.hpp"
#include "decider/store/codec.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/detail/commit_plan.hpp"
#include "decider/store/detail/durable.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace decider {

// What survives what. full: a commit is on the disk before the append is acknowledged (survives a power loss).
// normal: in WAL mode, a commit survives a crash of the process but the last ones may be lost on a power loss;
// several times the appends per second.
enum class sqlite_durability { full, normal };

struct sqlite_options {
  sqlite_durability durability = sqlite_durability::full;
  std::chrono::milliseconds busy_timeout{10'000};      // how long to wait for another process's write lock
  std::size_t max_event_bytes = std::size_t{1} << 20;  // type, payload, tags and metadata of one event
  std::size_t max_group = 256;                         // appends committed in one transaction, at most
  std::chrono::microseconds group_wait{400};           // a commit waits this long, at most, for the writers it expects
  on_decode_error decode = on_decode_error::fail;  // a stored record that does not decode: fail the read, or skip it
};

namespace detail::sqlite {

struct closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct finalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using parameter = std::variant<std::int64_t, std::string_view>;

inline std::int64_t as_int(position p) {
  constexpr auto top = static_cast<position>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(p > top ? top : p);
}

// A prepared statement in use: parameters bound, rows stepped, reset when it goes out of scope.
class cursor {
 public:
  explicit cursor(sqlite3_stmt* s) : s_(s) {}
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  ~cursor() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  void bind(int at, std::int64_t v) { sqlite3_bind_int64(s_, at, v); }
  void bind(int at, std::string_view v) {
    // A null pointer would bind NULL: an empty string is "".
    sqlite3_bind_text(s_, at, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind_null(int at) { sqlite3_bind_null(s_, at); }
  void bind_all(const std::vector<parameter>& ps) {
    for (std::size_t i = 0; i < ps.size(); ++i) {
      std::visit([&](const auto& v) { bind(static_cast<int>(i + 1), v); }, ps[i]);
    }
  }
  int step() { return sqlite3_step(s_); }  // SQLITE_ROW, SQLITE_DONE or an error
  [[nodiscard]] std::int64_t integer(int column) const { return sqlite3_column_int64(s_, column); }
  [[nodiscard]] bool is_null(int column) const { return sqlite3_column_type(s_, column) == SQLITE_NULL; }
  [[nodiscard]] std::string_view text(int column) const {
    const auto* p = sqlite3_column_blob(s_, column);
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s_, column));
    return n == 0 ? std::string_view{} : std::string_view(static_cast<const char*>(p), n);
  }

 private:
  sqlite3_stmt* s_;
};

// One connection and its prepared statements. Used by one thread at a time.
class connection {
 public:
  static expected<std::unique_ptr<connection>, std::string> open(const std::string& path,
                                                                 std::chrono::milliseconds busy_timeout) {
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, closer> db(raw);
    if (rc != SQLITE_OK) {
      return unexpected<std::string>("cannot open " + path + ": " +
                                     (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));
    return std::unique_ptr<connection>(new connection(std::move(db)));
  }

  [[nodiscard]] std::string error() const { return sqlite3_errmsg(db_.get()); }

  // Whether the last call failed because another connection held a lock it needed.
  [[nodiscard]] bool busy() const {
    const int code = sqlite3_errcode(db_.get()) & 0xff;
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
  }

  bool exec(const char* sql, std::string& error) {
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) == SQLITE_OK) {
      return true;
    }
    error = message != nullptr ? message : this->error();
    sqlite3_free(message);
    return false;
  }

  // A cached prepared statement, or nullptr (and the reason in `error`).
  sqlite3_stmt* prepare(const std::string& sql, std::string& error) {
    if (const auto at = cache_.find(sql); at != cache_.end()) {
      return at->second.get();
    }
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                           nullptr) != SQLITE_OK) {
      error = this->error();
      return nullptr;
    }
    cache_.emplace(sql, std::unique_ptr<sqlite3_stmt, finalizer>(raw));
    return raw;
  }
  // Called between operations, when no statement is in use: many query shapes do not pile up statements.
  void trim() {
    if (cache_.size() > 512) {
      cache_.clear();
    }
  }

 private:
  explicit connection(std::unique_ptr<sqlite3, closer> db) : db_(std::move(db)) {}
  std::unique_ptr<sqlite3, closer> db_;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, finalizer>> cache_;
};

inline constexpr const char* columns =
    "e.position, e.type, e.schema_version, e.payload, e.tags, e.event_id, e.recorded_at, e.correlation_id, "
    "e.causation_id";

// SQL selecting the events a query matches in a window of positions, in order, limited. Parameters are numbered
// (?N) in the order they are pushed.
class select_builder {
 public:
  std::string sql;
  std::vector<parameter> parameters;

  select_builder(const query& raw, std::int64_t lo, std::int64_t hi, bool backwards, std::int64_t limit,
                 const char* what) {
    // Sets, not lists: a tag given twice is one join, not two. The parameters point into this copy.
    q_.items.reserve(raw.items.size());
    for (const auto& item : raw.items) {
      q_.items.push_back(item.normalized());
    }
    // An item given twice is one subquery, not two.
    std::sort(q_.items.begin(), q_.items.end());
    q_.items.erase(std::unique(q_.items.begin(), q_.items.end()), q_.items.end());
    const query& q = q_;
    const bool all = q.matches_all() || std::any_of(q.items.begin(), q.items.end(), [](const query_item& i) {
                       return i.types.empty() && i.tags.empty();
                     });
    const char* order = backwards ? " DESC" : "";
    if (all) {
      sql = std::string("SELECT ") + what + " FROM events e WHERE e.position BETWEEN " + param(lo) + " AND " +
            param(hi) + " ORDER BY e.position" + order;
    } else if (q.items.size() == 1 && !q.items.front().tags.empty()) {
      // Walk the first tag's index range in order, and stop at the limit.
      const auto& item = q.items.front();
      sql = std::string("SELECT ") + what + " FROM event_tags t0 JOIN events e ON e.position = t0.position";
      join_tags(item, "t0");
      sql += " WHERE t0.tag = " + param(std::string_view(item.tags.front())) + " AND t0.position BETWEEN " + param(lo) +
             " AND " + param(hi) + other_tags_;
      types_in(item, "e");
      sql += std::string(" ORDER BY t0.position") + order;
    } else if (q.items.size() == 1) {
      sql =
          std::string("SELECT ") + what + " FROM events e WHERE e.position BETWEEN " + param(lo) + " AND " + param(hi);
      types_in(q.items.front(), "e");
      sql += std::string(" ORDER BY e.position") + order;
    } else {
      // SQLite compounds at most 500 SELECTs: many items are several IN lists, OR'ed. The window's bounds are
      // two parameters, shared by every item.
      lo_ = param(lo);
      hi_ = param(hi);
      sql = std::string("SELECT ") + what + " FROM events e WHERE e.position BETWEEN " + lo_ + " AND " + hi_ + " AND (";
      for (std::size_t i = 0; i < q.items.size(); ++i) {
        sql += i == 0 ? "e.position IN (" : (i % 400 == 0 ? ") OR e.position IN (" : " UNION ");
        item_positions(q.items[i]);
      }
      sql += ")) ORDER BY e.position";
      sql += order;
    }
    sql += " LIMIT " + param(limit);
  }

  select_builder(const select_builder&) = delete;
  select_builder& operator=(const select_builder&) = delete;

 private:
  query q_;
  std::string other_tags_;
  std::string lo_;
  std::string hi_;
  std::string param(parameter p) {
    parameters.push_back(p);
    return "?" + std::to_string(parameters.size());
  }
  // The item's other tags, each a probe of the (tag, position) key; past a few, one count over them (SQLite
  // joins at most 64 tables).
  void join_tags(const query_item& item, const char* first) {
    if (item.tags.size() > 8) {
      other_tags_ = " AND (SELECT count(*) FROM event_tags tn WHERE tn.position = " + std::string(first) +
                    ".position AND tn.tag IN (";
      for (std::size_t i = 1; i < item.tags.size(); ++i) {
        other_tags_ += (i == 1 ? "" : ", ") + param(std::string_view(item.tags[i]));
      }
      other_tags_ += ")) = " + std::to_string(item.tags.size() - 1);
      return;
    }
    other_tags_.clear();
    for (std::size_t i = 1; i < item.tags.size(); ++i) {
      const auto alias = "t" + std::to_string(i);
      sql += " JOIN event_tags " + alias + " ON " + alias + ".tag = " + param(std::string_view(item.tags[i])) +
             " AND " + alias + ".position = " + first + ".position";
    }
  }
  void types_in(const query_item& item, const char* alias) {
    if (item.types.empty()) {
      return;
    }
    sql += std::string(" AND ") + alias + ".type IN (";
    for (std::size_t i = 0; i < item.types.size(); ++i) {
      sql += (i == 0 ? "" : ", ") + param(std::string_view(item.types[i]));
    }
    sql += ")";
  }
  void item_positions(const query_item& item) {
    if (item.tags.empty()) {
      sql += "SELECT x.position FROM events x WHERE x.position BETWEEN " + lo_ + " AND " + hi_;
      types_in(item, "x");
      return;
    }
    sql += "SELECT t0.position FROM event_tags t0";
    join_tags(item, "t0");
    if (!item.types.empty()) {
      sql += " JOIN events x ON x.position = t0.position";
      types_in(item, "x");
    }
    sql += " WHERE t0.tag = " + param(std::string_view(item.tags.front())) + " AND t0.position BETWEEN " + lo_ +
           " AND " + hi_ + other_tags_;
  }
};

}  // namespace detail::sqlite

template <class Codec>
class sqlite_store : public detail::durable_front<sqlite_store<Codec>, Codec> {
  static_assert(event_codec<Codec>,
                "decider::sqlite_store: the codec must model decider::event_codec (encode(event) -> encode_result, "
                "decode(encoded_event, position) -> decode_result).");
  using connection = detail::sqlite::connection;
  using cursor = detail::sqlite::cursor;

 public:
  using event_type = typename Codec::event_type;
  static constexpr int schema_version = 1;
  friend class detail::durable_front<sqlite_store<Codec>, Codec>;

  // Opens the file (creating it and the schema when absent). A file that is not a database, a database whose
  // schema is newer than this library's, or a directory that cannot be written gives store_unavailable.
  static expected<std::unique_ptr<sqlite_store>, store_unavailable> open(const std::string& path,
                                                                         sqlite_options options = {},
                                                                         Codec codec = {}) {
    using failure = unexpected<store_unavailable>;
    auto writer = connection::open(path, options.busy_timeout);
    if (!writer.has_value()) {
      return failure(store_unavailable{writer.error()});
    }
    std::unique_ptr<sqlite_store> store(new sqlite_store(path, options, std::move(codec), std::move(*writer)));
    if (auto made = store->prepare_schema(); !made.empty()) {
      return failure(store_unavailable{path + ": " + made});
    }
    return store;
  }

  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;
  ~sqlite_store() = default;

  // [/docs:sqlite-append]

  // The last position stored (by any process), or 0.
  [[nodiscard]] position head() const {
    auto lease = readers_.acquire();
    if (!lease.has_value()) {
      return published_.load();
    }
    std::string error;
    auto* s = lease->get()->prepare("SELECT coalesce(max(position), 0) FROM events", error);
    if (s == nullptr) {
      return published_.load();
    }
    cursor c(s);
    return c.step() == SQLITE_ROW ? static_cast<position>(c.integer(0)) : published_.load();
  }

  // Wakes a subscription when this process appends past `after`; appends by other processes are seen when the
  // timeout ends and the subscription reads again.
  bool wait_for_append(position after, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(wake_mutex_);
    return appended_.wait_for(lock, timeout, [&] { return published_.load() > after; });
  }

  // How many transactions committed how many appends (group commit at work), since the store was opened.
  [[nodiscard]] std::pair<std::size_t, std::size_t> commits_and_appends() const { return queue_.groups_and_appends(); }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  class reader_pool {
   public:
    reader_pool(std::string path, std::chrono::milliseconds busy) : path_(std::move(path)), busy_(busy) {}
    struct returner {
      reader_pool* pool;
      void operator()(connection* c) const { pool->release(c); }
    };
    using lease = std::unique_ptr<connection, returner>;
    expected<lease, store_unavailable> acquire() {
      {
        std::lock_guard lock(mutex_);
        if (!free_.empty()) {
          connection* c = free_.back().release();
          free_.pop_back();
          c->trim();
          return lease(c, returner{this});
        }
      }
      auto opened = connection::open(path_, busy_);
      if (!opened.has_value()) {
        return unexpected<store_unavailable>(store_unavailable{opened.error()});
      }
      return lease(opened->release(), returner{this});
    }

   private:
    void release(connection* c) {
      std::lock_guard lock(mutex_);
      free_.emplace_back(c);
    }
    std::string path_;
    std::chrono::milliseconds busy_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<connection>> free_;
  };

  sqlite_store(std::string path, sqlite_options options, Codec codec, std::unique_ptr<connection> writer)
      : detail::durable_front<sqlite_store, Codec>(std::move(codec), options.decode),
        path_(std::move(path)),
        options_(options),
        writer_(std::move(writer)),
        readers_(path_, options.busy_timeout),
        queue_(options.max_group, options.group_wait) {}

  // Empty when the schema is there (made now, or found at this version); otherwise why not. Processes that open a
  // new file at once contend for it: switching to WAL takes a lock that SQLite does not wait for (its busy handler
  // is not called there), so a busy attempt is tried again, with growing pauses, until busy_timeout has passed.
  std::string prepare_schema() {
    const auto deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
    for (auto pause = std::chrono::milliseconds(1);; pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
      bool busy = false;
      auto why = prepare_schema_once(busy);
      if (why.empty() || !busy || std::chrono::steady_clock::now() + pause > deadline) {
        return why;
      }
      std::this_thread::sleep_for(pause);
    }
  }

  std::string prepare_schema_once(bool& busy) {
    std::string error;
    const char* sync =
        options_.durability == sqlite_durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
    if (!writer_->exec("PRAGMA journal_mode=WAL", error) || !writer_->exec(sync, error) ||
        !writer_->exec("BEGIN IMMEDIATE", error)) {
      busy = writer_->busy();
      return error;
    }
    const auto fail = [&](std::string why) {
      busy = writer_->busy();
      std::string ignored;
      writer_->exec("ROLLBACK", ignored);
      return why;
    };
    const auto exists = [&](const char* table) -> std::optional<bool> {
      auto* s = writer_->prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", error);
      if (s == nullptr) {
        return std::nullopt;
      }
      cursor c(s);
      c.bind(1, std::string_view(table));
      return c.step() == SQLITE_ROW;
    };
    const auto has_schema = exists("decider_schema");
    const auto has_events = exists("events");
    if (!has_schema || !has_events) {
      return fail(error);
    }
    if (!*has_schema && *has_events) {
      return fail("the database has an `events` table that decider did not create");
    }
    if (!*has_schema) {
      // [docs:sqlite-schema]
      const char* schema = R"sql(
        CREATE TABLE decider_schema(version INTEGER NOT NULL);
        INSERT INTO decider_schema(version) VALUES (1);
        CREATE TABLE events(
          position       INTEGER PRIMARY KEY,  -- the rowid: 1, 2, 3... in commit order
          type           TEXT    NOT NULL,
          schema_version INTEGER NOT NULL,
          payload        BLOB    NOT NULL,
          tags           BLOB    NOT NULL,     -- the tag set, each as <length>:<bytes>
          event_id       TEXT,                 -- NULL when the caller gave none
          batch_end      INTEGER NOT NULL,     -- the last position of its append: retries are recognized
          recorded_at    INTEGER NOT NULL,     -- nanoseconds since 1970
          correlation_id TEXT    NOT NULL,
          causation_id   TEXT    NOT NULL);
        CREATE UNIQUE INDEX events_by_id ON events(event_id) WHERE event_id IS NOT NULL;
        CREATE INDEX events_by_type ON events(type, position);
        CREATE TABLE event_tags(
          tag      TEXT    NOT NULL,
          position INTEGER NOT NULL,
          PRIMARY KEY (tag, position)) WITHOUT ROWID;
      )sql";
      // [/docs:sqlite-schema]
      if (!writer_->exec(schema, error)) {
        return fail(error);
      }
    } else {
      auto* s = writer_->prepare("SELECT max(version) FROM decider_schema", error);
      if (s == nullptr) {
        return fail(error);
      }
      std::int64_t found = 0;
      {
        cursor c(s);
        found = c.step() == SQLITE_ROW ? c.integer(0) : 0;
      }
      if (found > schema_version) {
        return fail("its schema is version " + std::to_string(found) + ", newer than this library's (" +
                    std::to_string(schema_version) + "); open it with a newer decider");
      }
      // Migrations from older versions go here, each in this transaction.
    }
    if (!writer_->exec("COMMIT", error)) {
      return fail(error);
    }
    return {};
  }

  template <class Row>
  expected<std::size_t, read_error> scan(const query& q, const read_options& options, Row&& row) const {
    using detail::sqlite::as_int;
    constexpr auto top = std::numeric_limits<std::int64_t>::max();
    const std::int64_t lo = options.backwards ? 0 : as_int(options.from.value_or(0));
    const std::int64_t hi = options.backwards ? (options.from ? as_int(*options.from) : top) : top;
    const std::int64_t limit = options.limit ? as_int(*options.limit) : -1;
    const detail::sqlite::select_builder select(q, lo, hi, options.backwards, limit, detail::sqlite::columns);
    auto lease = readers_.acquire();
    if (!lease.has_value()) {
      return unexpected<read_error>(std::move(lease).error());
    }
    std::string error;
    auto* s = lease->get()->prepare(select.sql, error);
    if (s == nullptr) {
      return unexpected<read_error>(store_unavailable{"a read could not be prepared: " + error});
    }
    cursor c(s);
    c.bind_all(select.parameters);
    std::size_t rows = 0;
    int rc = SQLITE_ROW;
    while ((rc = c.step()) == SQLITE_ROW) {
      auto record = record_at(c);
      if (!record.has_value()) {
        return unexpected<read_error>(std::move(record).error());
      }
      row(std::move(*record));
      ++rows;
    }
    if (rc != SQLITE_DONE) {
      return unexpected<read_error>(store_unavailable{"a read failed: " + lease->get()->error()});
    }
    return rows;
  }

  static expected<stored_record, read_error> record_at(const cursor& c) {
    stored_record r;
    r.position = static_cast<position>(c.integer(0));
    r.record.type = std::string(c.text(1));
    r.record.version = static_cast<int>(c.integer(2));
    r.record.payload = std::string(c.text(3));
    auto tags = detail::unpack_tags(c.text(4));
    if (!tags) {
      return unexpected<read_error>(
          store_unavailable{"the tags of the event at position " + std::to_string(r.position) + " are damaged"});
    }
    r.tags = std::move(*tags);
    r.metadata.event_id = c.is_null(5) ? made_up_event_id_for("sqlite", r.position) : std::string(c.text(5));
    r.metadata.recorded_at = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(c.integer(6))));
    r.metadata.correlation_id = std::string(c.text(7));
    r.metadata.causation_id = std::string(c.text(8));
    return r;
  }

  append_result submit(std::vector<event_to_append<event_type>>& batch, const query* condition,
                       std::optional<position> after) {
    auto encoded = detail::encode_batch(this->codec_, batch, options_.max_event_bytes, "sqlite");
    if (!encoded.has_value()) {
      return unexpected<append_error>(std::move(encoded).error());
    }
    detail::queued_append mine{std::move(*encoded), condition, after, std::nullopt};
    queue_.submit(mine, [this](std::vector<detail::queued_append*>& group) { commit(group); });
    return std::move(*mine.result);
  }

  // The writer: one transaction for the whole group. The plan decides each append from what the database holds
  // before the group (the stored ids, each condition's first match) and from the group's earlier appends; then the
  // events it accepts are inserted.
  void commit(std::vector<detail::queued_append*>& group) {
    std::string error;
    const auto fail_all = [&](const std::string& why) {
      std::string ignored;
      writer_->exec("ROLLBACK", ignored);
      for (auto* a : group) {
        a->result = unexpected<append_error>(store_unavailable{"the append was not committed: " + why});
      }
    };
    writer_->trim();
    if (!writer_->exec("BEGIN IMMEDIATE", error)) {
      return fail_all(error);
    }
    auto head = read_head(error);
    if (!head) {
      return fail_all(error);
    }
    bool failed = false;
    auto plan = detail::plan_commit(
        group, *head, [&](std::string_view id) { return failed ? std::nullopt : stored(id, failed, error); },
        [&](std::size_t g) { return failed ? std::nullopt : first_match(*group[g], failed, error); }, "sqlite");
    if (failed || !insert(plan.accepted, error) || !writer_->exec("COMMIT", error)) {
      return fail_all(error);
    }
    for (std::size_t g = 0; g < group.size(); ++g) {
      group[g]->result = std::move(plan.answers[g]);
    }
    {
      std::lock_guard wake(wake_mutex_);
      published_.store(plan.head);
    }
    appended_.notify_all();
  }

  std::optional<position> read_head(std::string& error) {
    auto* s = writer_->prepare("SELECT coalesce(max(position), 0) FROM events", error);
    if (s == nullptr) {
      return std::nullopt;
    }
    cursor c(s);
    if (c.step() != SQLITE_ROW) {
      error = writer_->error();
      return std::nullopt;
    }
    return static_cast<position>(c.integer(0));
  }

  // Where the database holds an event id; `failed` and `error` when it could not say.
  std::optional<stored_id> stored(std::string_view id, bool& failed, std::string& error) {
    auto* s = writer_->prepare(
        "SELECT e.position, e.batch_end, coalesce((SELECT p.batch_end FROM events p WHERE p.position = e.position - "
        "1), "
        "0) FROM events e WHERE e.event_id = ?1",
        error);
    if (s == nullptr) {
      failed = true;
      return std::nullopt;
    }
    cursor c(s);
    c.bind(1, id);
    const int rc = c.step();
    if (rc == SQLITE_ROW) {
      const auto at = static_cast<position>(c.integer(0));
      const auto end = static_cast<position>(c.integer(1));
      // The first of its append when the event before it ends another.
      return stored_id{at, c.integer(2) != c.integer(1) ? std::optional<position>(end) : std::nullopt};
    }
    if (rc != SQLITE_DONE) {
      error = writer_->error();
      failed = true;
    }
    return std::nullopt;
  }

  // The first stored event matching the append's condition after its `after`.
  std::optional<position> first_match(const detail::queued_append& a, bool& failed, std::string& error) {
    using detail::sqlite::as_int;
    const std::int64_t lo = as_int(a.after.value_or(0)) + 1;
    const detail::sqlite::select_builder select(*a.condition, lo, std::numeric_limits<std::int64_t>::max(), false, 1,
                                                "e.position");
    auto* s = writer_->prepare(select.sql, error);
    if (s == nullptr) {
      failed = true;
      return std::nullopt;
    }
    cursor c(s);
    c.bind_all(select.parameters);
    const int rc = c.step();
    if (rc == SQLITE_ROW) {
      return static_cast<position>(c.integer(0));
    }
    if (rc != SQLITE_DONE) {
      error = writer_->error();
      failed = true;
    }
    return std::nullopt;
  }

  // The plan's events, each row and its tags; false when the database failed (in `error`).
  bool insert(const std::vector<detail::placed_event>& accepted, std::string& error) {
    using detail::sqlite::as_int;
    if (accepted.empty()) {
      return true;
    }
    auto* insert = writer_->prepare(
        "INSERT INTO events(position, type, schema_version, payload, tags, event_id, batch_end, recorded_at, "
        "correlation_id, causation_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        error);
    auto* insert_tag = writer_->prepare("INSERT INTO event_tags(tag, position) VALUES (?1, ?2)", error);
    if (insert == nullptr || insert_tag == nullptr) {
      return false;
    }
    for (const auto& placed : accepted) {
      const auto& e = *placed.event;
      const auto packed = detail::pack_tags(e.tags);
      {
        cursor c(insert);
        c.bind(1, as_int(placed.at));
        c.bind(2, std::string_view(e.record.type));
        c.bind(3, std::int64_t{e.record.version});
        sqlite3_bind_blob(insert, 4, e.record.payload.empty() ? "" : e.record.payload.data(),
                          static_cast<int>(e.record.payload.size()), SQLITE_STATIC);
        sqlite3_bind_blob(insert, 5, packed.empty() ? "" : packed.data(), static_cast<int>(packed.size()),
                          SQLITE_STATIC);
        if (e.metadata.event_id.empty()) {
          c.bind_null(6);
        } else {
          c.bind(6, std::string_view(e.metadata.event_id));
        }
        c.bind(7, as_int(placed.batch_end));
        c.bind(8, static_cast<std::int64_t>(
                      std::chrono::duration_cast<std::chrono::nanoseconds>(e.metadata.recorded_at.time_since_epoch())
                          .count()));
        c.bind(9, std::string_view(e.metadata.correlation_id));
        c.bind(10, std::string_view(e.metadata.causation_id));
        if (c.step() != SQLITE_DONE) {
          error = writer_->error();
          return false;
        }
      }
      for (const auto& t : e.tags) {
        cursor c(insert_tag);
        c.bind(1, std::string_view(t));
        c.bind(2, as_int(placed.at));
        if (c.step() != SQLITE_DONE) {
          error = writer_->error();
          return false;
        }
      }
    }
    return true;
  }

  std::string path_;
  sqlite_options options_;
  std::unique_ptr<connection> writer_;  // used by the group's writer only
  mutable reader_pool readers_;
  detail::commit_queue queue_;
  std::atomic<position> published_{0};
  mutable std::mutex wake_mutex_;
  mutable std::condition_variable appended_;
};

}  // namespace decider
