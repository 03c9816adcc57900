// lib/dora/: ndj-dora: the DORA metric table (metrics.hpp), events and
// their links, windows, computation, trends and goals, report formats and
// the HTML page. Includes core/, json/ and dora/ only; only ndj-dora
// includes it. Inside, includes go one way: dora, metrics, trends, report,
// series, html, partial, run (lib/dora/meson.build).
//
// DORA metrics from deployment, change and incident events: intake of
// records into compact arrays, resolution of the links between them, and
// per-group computation over a time window returning plain numbers.
// The metrics as values live in metrics.hpp, their formats in
// dora_report.hpp; ndj-dora and anything that compares windows (buckets,
// baselines) call compute() once per window.
#pragma once
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dora/mapped_array.hpp"
#include "core/timefmt.hpp"

namespace ndj::dora {

inline constexpr TimeNs kNever = INT64_MAX;
inline constexpr int64_t kNsPerHour = 3600 * kNsPerSec;
inline constexpr int64_t kNsPerDay = 24 * kNsPerHour;

// Work units (reference 000's wu:claim ... wu:done) are read in pairs:
// the start and the end of one id.
enum class EventType : uint8_t { kOther, kDeployment, kChange, kIncident, kWorkStart, kWorkEnd };
inline constexpr size_t kEventTypeCount = 6;

// A test of one field of a record: its value is one of `values`, JSON
// texts as simdjson::minify writes them ("true", "\"rolled_back\"").
struct Condition {
  std::string field;  // a canonical name (read where --map says) or an input field
  std::vector<std::string> values;
};

// What each metric counts: the choices a definitions set (--definitions)
// names. The defaults are the set "dora". A new field also goes into the
// fingerprint of partials (partial.cpp's schema_bytes), as do Schema's.
struct Definitions {
  std::string name = "dora";
  // Deployment frequency counts every deployment, not only successful ones.
  bool all_deployments = false;
  // Besides status failure or rolled_back, a deployment failed when one of
  // these holds; as with an incident, it still counts as successful.
  std::vector<Condition> failed_when;
  // An incident that names its deployment fails it only when opened within
  // the failure window after it (else: at any distance).
  bool linked_within_window = false;
  // An incident without a deployment id fails the latest deployment of its
  // service within the failure window.
  bool service_incidents = true;
  // Only incidents for which one of these holds are read (empty: all).
  std::vector<Condition> incidents_when;
  // Where lead times come from: changes (to their deployment), deployments
  // (started_at to time, successful ones), work units (start to end).
  bool lead_from_changes = true, lead_from_deployments = false, lead_from_work_units = false;
  // Recovery is the time from an emergency deployment to the next one of
  // its service, in pairs (else: restoring a failed deployment).
  bool recovery_from_emergency_pairs = false;
  std::vector<Condition> emergency_when{{"change_type", {"\"emergency\""}}};
  // Rework counts changes (commits) for which a rework_when holds, joined to
  // their deployments by deployment id; else deployments.
  bool rework_counts_changes = false;
  std::vector<Condition> rework_when{{"unplanned", {"true"}}, {"change_type", {"\"emergency\""}}};
  // The shape of the records: deployment frequency per week, rates as fractions.
  bool frequency_per_week = false;
  bool rate_as_fraction = false;
};

// How input records are read: field renames (--map NAME=FIELD, or
// TYPE.NAME=FIELD for one type), extra type and status values
// (--type-value deployment=deploy, --status-value success=successful),
// grouping fields, epoch unit, and the definitions of the metrics.
struct Schema {
  // NAME or TYPE.NAME -> the input fields that may hold it, the first present wins.
  std::map<std::string, std::vector<std::string>> renames;
  std::vector<std::pair<std::string, EventType>> type_values;
  std::vector<std::pair<std::string, std::string>> status_values;  // input value -> success, failure or rolled_back
  std::vector<std::string> group_by;
  // --where, as given: which records became events (a partial's fingerprint).
  std::vector<std::string> where;
  std::optional<EpochUnit> epoch;
  TimeNs failure_window = kNsPerDay;
  Definitions defs;

  // The input fields that hold `name` in records of type `t`.
  std::vector<std::string> input_names(EventType t, const std::string& name) const;
  // The first of them, for messages.
  std::string input_name(EventType t, const std::string& name) const { return input_names(t, name).front(); }
};

// The canonical field names --map accepts besides grouping fields.
const std::vector<std::string>& canonical_fields();
// "deployment", "change", "incident", "work_start", "work_end".
std::optional<EventType> parse_event_type(std::string_view name);
const char* event_type_name(EventType t);

// [since, until)
struct Window {
  TimeNs since = 0;
  TimeNs until = 0;
  bool contains(TimeNs t) const { return t >= since && t < until; }
  double days() const { return static_cast<double>(until - since) / kNsPerDay; }
};

// Median, mean and 90th percentile of n durations, in hours.
struct Distribution {
  uint64_t n = 0;
  double median = 0;
  double mean = 0;
  double p90 = 0;
};

// Hours; reorders `ns`.
Distribution summarize_hours(std::span<int64_t> ns);

// Everything one group (or the overall row) needs for the six metrics.
struct GroupMetrics {
  uint32_t group = 0;  // index into EventStore::group(); kOverall for the overall row
  uint64_t successful_deployments = 0;
  uint64_t total_deployments = 0;
  uint64_t failed_deployments = 0;
  uint64_t rework_deployments = 0;
  Distribution lead_time;
  uint64_t negative_lead_times = 0;
  // Of lead_time.n: changes authored when committed (their "committed_at"
  // is the same second as their "time") and deployed within a second: a
  // lead time of 0 by construction, as squash merges give.
  uint64_t instant_lead_times = 0;
  Distribution recovery;
  uint64_t unrecovered = 0;
  uint64_t negative_recoveries = 0;
  Distribution restore;
  uint64_t open_incidents = 0;

  bool has_data() const {
    return total_deployments || lead_time.n || negative_lead_times || restore.n || open_incidents;
  }
  // Adds the event counts of `m` (not the distributions, and not
  // open_incidents, a state at one moment that does not add up over time).
  void add_counts(const GroupMetrics& m) {
    successful_deployments += m.successful_deployments;
    total_deployments += m.total_deployments;
    failed_deployments += m.failed_deployments;
    rework_deployments += m.rework_deployments;
    negative_lead_times += m.negative_lead_times;
    instant_lead_times += m.instant_lead_times;
    unrecovered += m.unrecovered;
    negative_recoveries += m.negative_recoveries;
  }
};
inline constexpr uint32_t kOverall = UINT32_MAX;

// What the input held, whatever the window: for the note that explains an
// empty report (records read, and where the deployments were).
struct InputCounts {
  uint64_t records = 0;    // JSON values read (marks and invalid lines aside)
  uint64_t events = 0;     // of those, deployments, changes and incidents with a time
  uint64_t in_window = 0;  // of those, with a time in the report window
  uint64_t deployments = 0;
  TimeNs first_deployment = INT64_MAX, last_deployment = INT64_MIN;

  void add(const InputCounts& c) {
    records += c.records;
    events += c.events;
    in_window += c.in_window;
    deployments += c.deployments;
    first_deployment = std::min(first_deployment, c.first_deployment);
    last_deployment = std::max(last_deployment, c.last_deployment);
  }
};

// One value of a grouping field, as its JSON text and as display text
// (strings unescaped); absent fields are not present.
struct GroupValue {
  bool present = false;
  std::string json;
  std::string text;
};

// Records read into compact entries on any thread (EventReader), then
// inserted into an EventStore in input order (EventStore::insert): reading
// is the costly half and needs nothing from the store. A batch is reused:
// nothing is allocated per record once its vectors have grown.
class IntakeBatch {
 public:
  enum class Kind : uint8_t {
    kDeployment,
    kChangeByDeployment,
    kChangeById,
    kSelfDeployedChange,
    kIncident,
    kReworkChange,  // a change that counts as rework (Definitions::rework_counts_changes)
    kWorkStart,
    kWorkEnd
  };
  struct Entry {
    TimeNs time;    // deployment: finished; change: committed; incident: opened
    TimeNs until;   // self-deployed change: deployed_at; incident: resolved (kNever: open)
    uint64_t id;    // deployment: its id; change: deployment id or own id; incident: deployment id; work: its id
    uint64_t service_hash, group_hash;
    uint32_t text;  // service bytes, then group key bytes, in text_
    uint32_t service_size, group_size;
    uint32_t changes, changes_size;  // change ids of a deployment, in change_ids_
    Kind kind;
    bool has_service, has_changes;
    bool at_commit;  // change: authored when committed (its "committed_at" is the same second)
    bool succeeded, failed, unplanned, emergency;
  };

  void clear() {
    entries_.clear();
    change_ids_.clear();
    text_.clear();
    counts_ = {};
  }
  const InputCounts& counts() const { return counts_; }
  std::span<const Entry> entries() const { return entries_; }
  std::string_view service(const Entry& e) const { return {text_.data() + e.text, e.service_size}; }
  std::string_view group_key(const Entry& e) const {
    return {text_.data() + e.text + e.service_size, e.group_size};
  }
  std::span<const uint64_t> change_ids(const Entry& e) const { return {change_ids_.data() + e.changes, e.changes_size}; }

  // Appends `e` with its service, group key and change ids (a partial's
  // entry, partial.hpp): the text offsets, sizes and hashes are set here.
  void append(Entry e, std::string_view service, std::string_view group_key, std::span<const uint64_t> changes);
  void add_counts(const InputCounts& c) { counts_.add(c); }

 private:
  friend class EventReader;
  std::vector<Entry> entries_;
  std::vector<uint64_t> change_ids_;
  std::string text_;
  InputCounts counts_;
};

// Reads records into IntakeBatch entries, with its own field lookup state:
// one per thread. Deployments and incidents are checked and filtered as
// EventStore's constructor describes.
class EventReader {
 public:
  // `window_since`: the report window's start, for InputCounts::in_window.
  EventReader(const Schema& schema, TimeNs keep_from, TimeNs as_of, TimeNs window_since);

  // Returns the reason when `record` is of a known type but a required
  // field is missing or unusable (nothing is added to `out`); nullopt when
  // it was read or is of another type.
  std::optional<std::string> read(simdjson::dom::element record, IntakeBatch& out);

 private:
  struct Slot {
    std::string name;
    simdjson::dom::element value;
    bool present = false;
  };
  // A Condition on the slot that holds its field: string values unescaped,
  // others as JSON text.
  struct Test {
    std::vector<uint32_t> slots;
    std::vector<std::string> strings, others;
  };
  // The slot of `f` for the record being read: the first of its input
  // fields present (the first of all when none is).
  const Slot& at(uint32_t f) const;
  uint32_t slot_named(const std::string& name);
  std::vector<Test> tests_of(const Schema& schema, EventType t, const std::vector<Condition>& conditions);
  bool any_holds(const std::vector<Test>& tests) const;
  std::optional<std::string> read_deployment(TimeNs time, IntakeBatch& out);
  std::optional<std::string> read_change(TimeNs time, IntakeBatch& out);
  std::optional<std::string> read_incident(TimeNs time, IntakeBatch& out);
  std::optional<std::string> read_work(EventType t, TimeNs time, IntakeBatch& out);
  // Whether the change being read has a "committed_at" in the same second
  // as its `time` (an unreadable one is not used: it only feeds a note).
  bool authored_when_committed(TimeNs time) const;
  // Appends an entry whose text starts here; the caller adds the service.
  IntakeBatch::Entry& start_entry(IntakeBatch& out, IntakeBatch::Kind kind, TimeNs time);
  void add_service(IntakeBatch& out, IntakeBatch::Entry& e, std::string_view s);
  void add_group_key(IntakeBatch& out, IntakeBatch::Entry& e);

  std::optional<EpochUnit> epoch_;
  TimeNs keep_from_, as_of_, window_since_;
  const Definitions& defs_;
  // Slot per wanted input field.
  std::vector<Slot> slots_;
  // Per type, per canonical field: the slots of its input fields, in
  // order, in slot_lists_[begin, end).
  // Fields: the canonical ones, then the --group-by fields.
  std::array<std::vector<std::pair<uint32_t, uint32_t>>, kEventTypeCount> field_slots_;
  std::vector<uint32_t> slot_lists_;
  const std::pair<uint32_t, uint32_t>* table_ = nullptr;  // field_slots_ of the record being read
  std::vector<std::pair<std::string, std::string>> status_values_;
  std::vector<Test> failed_when_, incidents_when_, emergency_when_, rework_when_;
  // Slots by bucket_of(name), bucket after bucket: one array to walk.
  std::array<uint32_t, 257> bucket_begin_;
  std::vector<uint32_t> bucket_slots_;
  size_t group_fields_ = 0;
  std::vector<std::pair<std::string, EventType>> type_values_;  // later entries win
};

class EventStore {
 public:
  // Events at or after `as_of` are not known yet: deployments and
  // incidents from then on are dropped, resolutions from then on are open.
  // Events that end before `keep_from` cannot matter and are dropped.
  // `window_since` (default: keep_from) starts the report window, for input().
  EventStore(Schema schema, TimeNs keep_from, TimeNs as_of, std::optional<TimeNs> window_since = std::nullopt);

  // Takes one record: EventReader::read, then insert().
  std::optional<std::string> add(simdjson::dom::element record);
  // Takes the entries an EventReader made with this store's schema,
  // keep_from and as_of. Batches inserted in input order give the same
  // store as add() record by record.
  void insert(const IntakeBatch& batch);

  // A reader of entries for insert(): this store's schema, keep_from and as_of.
  const EventReader& event_reader() const { return reader_; }

  // Threads resolve() and compute() may use (this one included); the
  // results do not depend on it.
  void set_threads(unsigned n) { threads_ = std::max(1u, n); }

  // Joins changes and incidents to deployments, marks failures and
  // computes recoveries. Call once, after the last add().
  void resolve();

  // Metrics over `w`: the overall row first, then one per group in sorted
  // order (only with group-by fields; groups without events in w are left out).
  std::vector<GroupMetrics> compute(Window w) const;
  // Metrics over the buckets [edges[b], edges[b+1]) (edges ascending), in
  // one pass: per bucket the overall row, then every group in sorted order,
  // with or without data in the bucket.
  std::vector<std::vector<GroupMetrics>> compute_buckets(std::span<const TimeNs> edges) const;

  // What the records inserted so far held.
  const InputCounts& input() const { return input_; }
  // After resolve(): work unit ends with no start of their id before them.
  uint64_t unpaired_work_ends() const { return unpaired_work_ends_; }

  const std::vector<std::string>& group_fields() const { return schema_.group_by; }
  const std::vector<GroupValue>& group(uint32_t g) const { return groups_[g]; }
  size_t group_count() const { return groups_.size(); }

 private:
  struct Deployment {
    TimeNs time;
    uint64_t id;  // XXH3-64 of the id; 0: none
    uint32_t service;
    uint32_t group : 27;
    uint32_t succeeded : 1;
    uint32_t failed : 1;
    uint32_t unplanned : 1;  // counts as rework
    uint32_t emergency : 1;  // Definitions::emergency_when
  };
  struct Change {  // joined by key: the deployment id, or the change's own id
    TimeNs time;
    uint64_t key;
  };
  struct ChangeLink {  // one entry of a deployment's "changes" list
    uint64_t change;
    uint64_t deployment;
  };
  struct SelfDeployedChange {  // carries deployed_at: needs no join
    TimeNs time;
    TimeNs deployed_at;
    uint32_t group;
    bool at_commit;
  };
  struct Incident {
    TimeNs opened;
    TimeNs resolved;  // kNever: open
    uint64_t deployment;  // 0: none named
    uint32_t service;
    uint32_t group;
  };
  struct LeadSample {  // written over the Change or ChangeLink it comes from
    int64_t lead;
    uint32_t deployment;  // index into deployments_ (sorted)
    bool at_commit;       // its change was authored when committed
  };
  static_assert(sizeof(LeadSample) == sizeof(Change) && sizeof(LeadSample) == sizeof(ChangeLink));
  // The memory promise of the man page.
  static_assert(sizeof(Deployment) == 24 && sizeof(Change) == 16 && sizeof(ChangeLink) == 16 &&
                sizeof(SelfDeployedChange) == 24 && sizeof(Incident) == 32);
  struct Recovery {
    uint32_t deployment;
    TimeNs at;  // kNever: unrecovered
  };
  struct WorkEvent {  // a work unit's start or end
    TimeNs time;
    uint64_t id;
    uint32_t group;  // of an end
  };

  // Strings numbered in order of first appearance; the caller brings the
  // hash (computed on the reading thread).
  class StringIds {
   public:
    // The id of `s` and whether it is new.
    std::pair<uint32_t, bool> intern(std::string_view s, uint64_t hash);
    size_t size() const { return begin_.size() - 1; }
    std::string_view at(uint32_t id) const {
      return std::string_view(bytes_).substr(begin_[id], begin_[id + 1] - begin_[id]);
    }

   private:
    struct Slot {
      uint64_t hash;
      uint32_t id;  // UINT32_MAX: empty
    };
    std::vector<Slot> table_;
    std::string bytes_;
    std::vector<size_t> begin_{0};  // string i: bytes_[begin_[i], begin_[i+1])
  };

  // Events keep the group of their own values (a "raw" group); a value
  // that is an array of several stands for each of them, so a raw group
  // shows as one or more of the groups reported (groups_).
  uint32_t intern_group(std::string_view key, uint64_t hash);
  std::span<const uint32_t> shown_groups(uint32_t raw) const {
    return std::span<const uint32_t>(shown_).subspan(shown_begin_[raw], shown_begin_[raw + 1] - shown_begin_[raw]);
  }
  // The group of an incident in `incident` linked to a deployment in
  // `deployment`: its own values, the deployment's where it has none.
  uint32_t linked_group(uint32_t incident, uint32_t deployment);
  // spare_bytes: memory just freed, that a sorted copy may use.
  void sort_deployments(size_t spare_bytes);
  uint32_t find_deployment(uint64_t id) const;
  uint32_t latest_deployment_before(uint32_t service, TimeNs t) const;
  // The changes joined to their deployments by id, each turned into its
  // lead-time sample in place (those without a deployment left out).
  MappedArray<LeadSample> join_by_deployment(MappedArray<Change>&& changes, bool at_commit) const;

  Schema schema_;
  EventReader reader_;  // for add()
  IntakeBatch one_;

  StringIds services_;
  StringIds group_ids_;    // raw groups' keys
  StringIds shown_ids_;    // reported groups' keys
  std::vector<std::vector<GroupValue>> groups_;  // reported groups
  std::vector<uint32_t> shown_begin_{0}, shown_;  // raw group g shows as shown_[shown_begin_[g], shown_begin_[g+1])
  std::vector<uint32_t> sorted_groups_;

  MappedArray<Deployment> deployments_;
  // Changes, [1] those authored when committed: kept apart, as a Change
  // has no room for the flag that LeadSample carries.
  std::array<MappedArray<Change>, 2> changes_by_deployment_;
  std::array<MappedArray<Change>, 2> changes_by_id_;
  MappedArray<ChangeLink> links_;
  MappedArray<SelfDeployedChange> self_deployed_;
  MappedArray<Incident> incidents_;
  MappedArray<LeadSample> link_samples_;    // from deployments' change lists
  std::array<MappedArray<LeadSample>, 2> change_samples_;  // from changes' deployment ids
  std::vector<Recovery> recoveries_;
  std::vector<WorkEvent> work_starts_, work_ends_;
  std::vector<uint64_t> rework_changes_;    // deployment ids of changes that count as rework
  std::vector<uint32_t> rework_deployments_;  // after resolve(): their deployments
  uint64_t unpaired_work_ends_ = 0;
  std::vector<uint32_t> service_begin_;  // deployments_ of service s: [begin[s], begin[s+1])
  std::vector<uint32_t> by_id_;          // open-addressing table of deployment indexes
  bool resolved_ = false;
  unsigned threads_ = 1;
  InputCounts input_;
};

}  // namespace ndj::dora
