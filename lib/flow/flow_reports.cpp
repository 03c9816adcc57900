// The reports of ndj-flow over a resolved Board.
#include "flow/flow_reports.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/format.hpp"
#include "core/percentile.hpp"
#include "flow/forecast.hpp"
#include "json/json_text.hpp"

namespace ndj::flow {

const Choices<Report> kReports{{{"wip", Report::kWip},
                                {"blocked", Report::kBlocked},
                                {"stale", Report::kStale},
                                {"critical-path", Report::kCriticalPath},
                                {"cycle-time", Report::kCycleTime},
                                {"throughput", Report::kThroughput},
                                {"forecast", Report::kForecast},
                                {"gates", Report::kGates},
                                {"report", Report::kReport}}};

Cell text_cell(std::string_view s) { return s.empty() ? null_cell() : Cell{json_string(s), std::string(s)}; }
Cell int_cell(int64_t v) { return {std::to_string(v), std::to_string(v), true}; }
Cell num_cell(double v, int digits) {
  if (std::isnan(v)) return null_cell();
  std::string s = fixed(v, digits);
  // JSON and CSV without trailing zeros: 2.50 is 2.5, 3.00 is 3.
  std::string j = s;
  if (j.find('.') != std::string::npos) {
    while (j.back() == '0') j.pop_back();
    if (j.back() == '.') j.pop_back();
  }
  if (j == "-0") j = "0";
  return {j, s, true};
}
Cell null_cell() { return {"null", "", false}; }
Cell bool_cell(bool v) { return {v ? "true" : "false", v ? "yes" : "no", false}; }
Cell list_cell(const std::vector<std::string>& items) {
  Cell c{"[", "", false};
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) c.json += ',', c.text += ' ';
    append_json_string(c.json, items[i]);
    c.text += items[i];
  }
  c.json += ']';
  return c;
}

namespace {

constexpr double kNsPerDayF = 86400.0 * 1e9;
double days_of(int64_t ns) { return static_cast<double>(ns) / kNsPerDayF; }
Cell days_cell(int64_t ns) { return num_cell(days_of(ns), 2); }
Cell time_cell(TimeNs t) { return text_cell(format_rfc3339(t)); }

double pct(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  return percentile_cont(std::span<double>(v), p);
}

}  // namespace

std::optional<std::string> add_wip_limit(std::string_view spec, ReportOptions& o) {
  std::string lane, n;
  uint64_t limit = 0;
  const bool ok = split_key_value(spec, lane, n) &&
                  std::from_chars(n.data(), n.data() + n.size(), limit).ptr == n.data() + n.size();
  if (!ok) return "--wip-limit: expected LANE=N, got '" + std::string(spec) + "'";
  o.wip_limits.emplace_back(lane, limit);
  return std::nullopt;
}

std::optional<std::string> load_wip_limits(const std::string& path, ReportOptions& o) {
  std::optional<std::string> text;
  try {
    text = read_file(path);
  } catch (const std::exception& e) {
    return std::string("--wip-limits: ") + e.what();
  }
  if (!text) return "--wip-limits: " + path + ": no such file";
  simdjson::dom::parser parser;
  simdjson::dom::object limits;
  if (parser.parse(*text).get(limits) != simdjson::SUCCESS)
    return "--wip-limits: " + path + ": expected a JSON object of lanes and limits";
  for (auto [lane, v] : limits) {
    uint64_t n = 0;
    if (v.get(n) != simdjson::SUCCESS)
      return "--wip-limits: " + path + ": the limit of '" + std::string(lane) + "' is not a whole number";
    o.wip_limits.emplace_back(std::string(lane), n);
  }
  return std::nullopt;
}

FlowReports::FlowReports(const Board& board, const ReportOptions& options) : board_(board), o_(options) {
  const TimeNs as_of = board.as_of();
  {
    Bucketer days(BucketUnit::kDay, o_.week_starts_sunday, o_.tz);
    TimeNs s = days.start(as_of - 1);
    std::vector<TimeNs> starts{s};
    for (size_t i = 1; i < o_.days; ++i) starts.push_back(s = days.start(s - 1));
    std::reverse(starts.begin(), starts.end());
    day_start_ = starts;
    for (size_t i = 0; i < starts.size(); ++i) {
      day_labels_.push_back(days.label(starts[i]));
      snapshot_.push_back(i + 1 < starts.size() ? starts[i + 1] : std::min(days.next(starts[i]), as_of + 1));
    }
  }
  window_start_ = day_start_.front();
  const size_t n = snapshot_.size();
  cfd_.assign(kStates, std::vector<int64_t>(n + 1, 0));
  lane_wip_.assign(board.lanes().size(), std::vector<int64_t>(n + 1, 0));
  lane_cycle_days_.resize(board.lanes().size());
  // Each event's state holds from its time to the next event's: the
  // snapshots after the one and up to the other count it.
  auto first_after = [&](TimeNs t) {
    return static_cast<size_t>(std::upper_bound(snapshot_.begin(), snapshot_.end(), t) - snapshot_.begin());
  };
  const auto& events = board.events();
  for (const WorkUnit& w : board.units()) {
    for (size_t k = 0; k < w.events; ++k) {
      const Event& e = events[w.first_event + k];
      const size_t from = first_after(e.t);
      const size_t to = k + 1 < w.events ? first_after(events[w.first_event + k + 1].t) : n;
      if (from >= to) continue;
      auto& c = cfd_[static_cast<size_t>(e.state)];
      ++c[from], --c[to];
      if (e.state == State::kActive || e.state == State::kBlocked) {
        ++lane_wip_[w.lane][from], --lane_wip_[w.lane][to];
      }
    }
    if (w.done && w.claimed && in_window(*w.done)) lane_cycle_days_[w.lane].push_back(days_of(*w.done - *w.claimed));
  }
  for (auto* series : {&cfd_, &lane_wip_})
    for (auto& v : *series) {
      for (size_t i = 1; i <= n; ++i) v[i] += v[i - 1];
      v.pop_back();
    }
}

bool FlowReports::unfinished(uint32_t u) const {
  const WorkUnit& w = board_.units()[u];
  return !w.seen || w.state != State::kDone;
}

std::vector<double> FlowReports::daily_throughput() const {
  std::vector<double> out(day_start_.size(), 0);
  for (const WorkUnit& w : board_.units()) {
    if (!w.done || !in_window(*w.done)) continue;
    const auto it = std::upper_bound(day_start_.begin(), day_start_.end(), *w.done);
    out[static_cast<size_t>(it - day_start_.begin()) - 1] += 1;
  }
  return out;
}

Table FlowReports::wip() {
  Table t{"wip", "Work in progress per lane (WIP: active + blocked)", {}, {}, {}, {}};
  t.columns = {"lane", "ready", "active", "blocked", "wip", "limit", "utilisation_pct", "over_limit",
               "days_over_limit", "days", "days_over_pct"};
  std::vector<std::array<int64_t, kStates>> now(board_.lanes().size(), {0, 0, 0, 0});
  for (const WorkUnit& w : board_.units())
    if (w.seen) ++now[w.lane][static_cast<size_t>(w.state)];
  std::vector<uint32_t> order(board_.lanes().size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return board_.lanes()[a] < board_.lanes()[b]; });
  for (uint32_t lane : order) {
    const auto& c = now[lane];
    std::optional<uint64_t> limit, own;
    for (const auto& [name, n] : o_.wip_limits) {
      if (name == board_.lanes()[lane]) own = n;
      if (name == "*") limit = n;
    }
    if (own) limit = own;
    const int64_t wip = c[1] + c[2];
    const int64_t total = c[0] + c[1] + c[2] + c[3];
    if (total == 0 && !own) continue;  // a lane named only by dependencies' placeholders
    std::vector<Cell> row{text_cell(board_.lanes()[lane]), int_cell(c[0]), int_cell(c[1]), int_cell(c[2]),
                          int_cell(wip)};
    if (limit) {
      int64_t over_days = 0;
      for (int64_t v : lane_wip_[lane]) over_days += v > static_cast<int64_t>(*limit);
      const auto days = static_cast<int64_t>(lane_wip_[lane].size());
      row.push_back(int_cell(static_cast<int64_t>(*limit)));
      row.push_back(*limit ? num_cell(100.0 * static_cast<double>(wip) / static_cast<double>(*limit), 1) : null_cell());
      row.push_back(bool_cell(wip > static_cast<int64_t>(*limit)));
      row.push_back(int_cell(over_days));
      row.push_back(int_cell(days));
      row.push_back(num_cell(100.0 * static_cast<double>(over_days) / static_cast<double>(days), 1));
    } else {
      for (int i = 0; i < 6; ++i) row.push_back(null_cell());
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

bool FlowReports::waits(uint32_t u) const {
  const auto& deps = board_.units()[u].depends_on;
  return std::any_of(deps.begin(), deps.end(), [&](uint32_t d) { return unfinished(d); });
}

const FlowReports::Graph& FlowReports::graph() {
  if (graph_) return *graph_;
  Graph& g = graph_.emplace();
  const auto& units = board_.units();
  for (uint32_t u = 0; u < units.size(); ++u)
    if (unfinished(u)) g.nodes.push_back(u);
  g.dependents.resize(units.size());
  for (uint32_t u : g.nodes)
    for (uint32_t d : units[u].depends_on)
      if (unfinished(d)) g.dependents[d].push_back(u);
  // Tarjan's strongly connected components, without recursion: a
  // component is numbered after every component it depends on.
  std::vector<uint32_t> index(units.size(), UINT32_MAX), low(units.size(), 0), stack;
  std::vector<char> on_stack(units.size(), 0);
  g.comp.assign(units.size(), UINT32_MAX);
  uint32_t next = 0;
  for (uint32_t root : g.nodes) {
    if (index[root] != UINT32_MAX) continue;
    std::vector<std::pair<uint32_t, size_t>> call{{root, 0}};
    index[root] = low[root] = next++;
    stack.push_back(root), on_stack[root] = 1;
    while (!call.empty()) {
      auto& [v, i] = call.back();
      const auto& deps = units[v].depends_on;
      if (i < deps.size()) {
        const uint32_t d = deps[i++];
        if (!unfinished(d)) continue;
        if (index[d] == UINT32_MAX) {
          index[d] = low[d] = next++;
          stack.push_back(d), on_stack[d] = 1;
          call.push_back({d, 0});
        } else if (on_stack[d]) {
          low[v] = std::min(low[v], index[d]);
        }
        continue;
      }
      const uint32_t done = v;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
      if (low[done] == index[done]) {
        const auto c = static_cast<uint32_t>(g.comp_size.size());
        uint32_t size = 0, x;
        do {
          x = stack.back();
          stack.pop_back(), on_stack[x] = 0;
          g.comp[x] = c, ++size;
        } while (x != done);
        g.comp_size.push_back(size);
      }
    }
  }
  return g;
}

bool FlowReports::in_cycle(uint32_t u) {
  const Graph& g = graph();
  const auto& deps = board_.units()[u].depends_on;
  return g.comp_size[g.comp[u]] > 1 || std::binary_search(deps.begin(), deps.end(), u);
}

Table FlowReports::blocked() {
  Table t{"blocked", "Blocked work units, longest first", {}, {}, {}, {}};
  t.columns = {"id", "lane", "state", "reason", "since", "age_days", "waits_on", "roots"};
  const auto& units = board_.units();
  const Graph& g = graph();
  // The roots of each component: down the unfinished dependencies to the
  // first WUs that wait on none. Components come after those they depend
  // on, so one pass in their order; a cycle's members share theirs.
  std::vector<std::vector<uint32_t>> roots(g.comp_size.size());
  std::vector<uint32_t> by_comp(g.nodes);
  std::sort(by_comp.begin(), by_comp.end(), [&](uint32_t a, uint32_t b) { return g.comp[a] < g.comp[b]; });
  for (uint32_t v : by_comp) {
    auto& mine = roots[g.comp[v]];
    for (uint32_t d : units[v].depends_on) {
      if (!unfinished(d) || g.comp[d] == g.comp[v]) continue;
      if (!waits(d)) mine.push_back(d);
      else mine.insert(mine.end(), roots[g.comp[d]].begin(), roots[g.comp[d]].end());
    }
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  }
  struct Row {
    uint32_t u;
    TimeNs since;
  };
  std::vector<Row> rows;
  for (uint32_t u : g.nodes) {
    const WorkUnit& w = units[u];
    if (!w.seen) continue;
    if (w.state == State::kBlocked) rows.push_back({u, w.state_since});
    else if (waits(u)) rows.push_back({u, std::max(w.depends_since, *w.created)});
  }
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return a.since != b.since ? a.since < b.since : units[a.u].id < units[b.u].id;
  });
  for (const Row& r : rows) {
    const WorkUnit& w = units[r.u];
    std::vector<std::string> waits_on, root_ids;
    for (uint32_t d : w.depends_on)
      if (unfinished(d)) waits_on.push_back(units[d].id);
    for (uint32_t d : roots[g.comp[r.u]]) root_ids.push_back(units[d].id);
    std::sort(root_ids.begin(), root_ids.end());
    t.rows.push_back({text_cell(w.id), text_cell(board_.lanes()[w.lane]), text_cell(state_name(w.state)),
                      text_cell(w.state == State::kBlocked ? "blocked" : "dependencies"), time_cell(r.since),
                      days_cell(board_.as_of() - r.since), list_cell(waits_on), list_cell(root_ids)});
  }
  return t;
}

std::optional<int64_t> FlowReports::stale_limit(uint32_t lane) const {
  if (o_.stale) return o_.stale;
  if (lane_cycle_days_[lane].empty()) return std::nullopt;
  return static_cast<int64_t>(std::llround(pct(lane_cycle_days_[lane], 85) * kNsPerDayF));
}

Table FlowReports::stale() {
  Table t{"stale", "Stale work units: in progress longer than the limit, oldest first", {}, {}, {}, {}};
  t.columns = {"id", "lane", "state", "claimed", "age_days", "limit_days", "limit_from"};
  const auto& units = board_.units();
  std::vector<uint32_t> found;
  for (uint32_t u = 0; u < units.size(); ++u) {
    const WorkUnit& w = units[u];
    if (!w.seen || !w.claimed || (w.state != State::kActive && w.state != State::kBlocked)) continue;
    auto limit = stale_limit(w.lane);
    if (limit && board_.as_of() - *w.claimed > *limit) found.push_back(u);
  }
  std::sort(found.begin(), found.end(), [&](uint32_t a, uint32_t b) {
    return units[a].claimed != units[b].claimed ? *units[a].claimed < *units[b].claimed : units[a].id < units[b].id;
  });
  for (uint32_t u : found) {
    const WorkUnit& w = units[u];
    t.rows.push_back({text_cell(w.id), text_cell(board_.lanes()[w.lane]), text_cell(state_name(w.state)),
                      time_cell(*w.claimed), days_cell(board_.as_of() - *w.claimed), days_cell(*stale_limit(w.lane)),
                      text_cell(o_.stale ? "--stale" : "p85 cycle time of the lane")});
  }
  return t;
}

std::vector<Table> FlowReports::critical_path() {
  const auto& units = board_.units();
  const Graph& g = graph();
  const auto& nodes = g.nodes;
  const auto& dependents = g.dependents;
  const auto& comp = g.comp;

  Table cycles{"cycles", "Dependency cycles (left out of the chain)", {"cycle", "size", "ids"}, {}, {}, {}};
  {
    std::map<uint32_t, std::vector<std::string>> members;
    for (uint32_t u : nodes)
      if (in_cycle(u)) members[comp[u]].push_back(units[u].id);
    std::vector<std::vector<std::string>> found;
    for (auto& [c, ids] : members) {
      std::sort(ids.begin(), ids.end());
      found.push_back(std::move(ids));
    }
    std::sort(found.begin(), found.end());
    for (size_t i = 0; i < found.size(); ++i)
      cycles.rows.push_back({int_cell(static_cast<int64_t>(i + 1)), int_cell(static_cast<int64_t>(found[i].size())),
                             list_cell(found[i])});
  }

  // Transitive dependents. An upper bound first, per component, in one
  // pass (dependents come in later components): the sum over the
  // components that depend on it directly (a diamond counts twice). Then
  // exact counts, a walk up from each WU, in the order of the bounds, until
  // no bound can reach the --top rows found.
  Table paths{"critical-path", "WUs blocking the most downstream work", {}, {}, {}, {}};
  paths.columns = {"id", "lane", "state", "dependents", "direct_dependents", "in_cycle"};
  std::vector<double> bound(g.comp_size.size(), 0);
  for (uint32_t c = 0; c < bound.size(); ++c) bound[c] = g.comp_size[c] - 1.0;
  {
    std::vector<uint32_t> order(nodes);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return comp[a] > comp[b]; });
    const auto cap = static_cast<double>(nodes.size());
    for (uint32_t v : order)
      for (uint32_t d : units[v].depends_on)
        if (unfinished(d) && comp[d] != comp[v])
          bound[comp[d]] = std::min(cap, bound[comp[d]] + g.comp_size[comp[v]] + bound[comp[v]] -
                                             (g.comp_size[comp[v]] - 1.0));
  }
  struct Count {
    uint32_t u;
    size_t all, direct;
  };
  auto before = [&](const Count& a, const Count& b) {
    if (a.all != b.all) return a.all > b.all;
    if (a.direct != b.direct) return a.direct > b.direct;
    return units[a.u].id < units[b.u].id;
  };
  std::vector<uint32_t> candidates;
  for (uint32_t u : nodes)
    if (!dependents[u].empty()) candidates.push_back(u);
  std::sort(candidates.begin(), candidates.end(), [&](uint32_t a, uint32_t b) {
    return bound[comp[a]] != bound[comp[b]] ? bound[comp[a]] > bound[comp[b]] : a < b;
  });
  std::vector<Count> counts;
  std::vector<uint32_t> stamp(units.size(), UINT32_MAX), todo;
  for (uint32_t u : candidates) {
    if (o_.top && counts.size() >= o_.top) {
      std::sort(counts.begin(), counts.end(), before);
      counts.resize(o_.top);
      if (bound[comp[u]] < static_cast<double>(counts.back().all)) break;
    }
    size_t n = 0;
    stamp[u] = u;
    todo.assign(1, u);
    while (!todo.empty()) {
      const uint32_t v = todo.back();
      todo.pop_back();
      for (uint32_t x : dependents[v])
        if (stamp[x] != u) stamp[x] = u, ++n, todo.push_back(x);
    }
    counts.push_back({u, n, dependents[u].size()});
  }
  std::sort(counts.begin(), counts.end(), before);
  if (o_.top && counts.size() > o_.top) counts.resize(o_.top);
  for (const Count& c : counts) {
    const WorkUnit& w = units[c.u];
    paths.rows.push_back({text_cell(w.id), text_cell(board_.lanes()[w.lane]),
                          text_cell(w.seen ? state_name(w.state) : "unknown"), int_cell(static_cast<int64_t>(c.all)),
                          int_cell(static_cast<int64_t>(c.direct)), bool_cell(in_cycle(c.u))});
  }

  // The longest chain of remaining work, by estimate when any WU has one.
  const bool by_estimate = std::any_of(nodes.begin(), nodes.end(), [&](uint32_t u) { return units[u].estimate >= 0; });
  auto weight = [&](uint32_t u) { return by_estimate ? std::max(0.0, units[u].estimate) : 1.0; };
  std::vector<double> longest(units.size(), -1);
  std::vector<uint32_t> best_dep(units.size(), UINT32_MAX);
  for (uint32_t root : nodes) {
    if (in_cycle(root) || longest[root] >= 0) continue;
    std::vector<std::pair<uint32_t, size_t>> call{{root, 0}};
    while (!call.empty()) {
      auto& [v, i] = call.back();
      const auto& deps = units[v].depends_on;
      if (i < deps.size()) {
        const uint32_t d = deps[i++];
        if (unfinished(d) && !in_cycle(d) && longest[d] < 0) call.push_back({d, 0});
        continue;
      }
      double best = 0;
      for (uint32_t d : deps)
        if (unfinished(d) && !in_cycle(d) && (best_dep[v] == UINT32_MAX || longest[d] > best))
          best = longest[d], best_dep[v] = d;
      longest[v] = weight(v) + best;
      call.pop_back();
    }
  }
  Table chain{"chain", std::string("The longest chain of remaining work, by ") + (by_estimate ? "estimate" : "count"),
              {"step", "id", "lane", "state", "remaining", "cumulative"}, {}, {}, {}};
  uint32_t head = UINT32_MAX;
  for (uint32_t u : nodes)
    if (longest[u] >= 0 &&
        (head == UINT32_MAX || longest[u] > longest[head] || (longest[u] == longest[head] && units[u].id < units[head].id)))
      head = u;
  // The chain from its first WU (no unfinished dependency) to the last.
  std::vector<uint32_t> order;
  for (uint32_t u = head; u != UINT32_MAX; u = best_dep[u]) order.push_back(u);
  std::reverse(order.begin(), order.end());
  double sum = 0;
  size_t missing = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const WorkUnit& w = units[order[i]];
    sum += weight(order[i]);
    missing += by_estimate && w.estimate < 0;
    chain.rows.push_back({int_cell(static_cast<int64_t>(i + 1)), text_cell(w.id), text_cell(board_.lanes()[w.lane]),
                          text_cell(w.seen ? state_name(w.state) : "unknown"), num_cell(weight(order[i]), 1),
                          num_cell(sum, 1)});
  }
  if (missing) chain.notes.push_back(std::to_string(missing) + " WU(s) of the chain have no estimate: counted as 0");
  return {paths, chain, cycles};
}

Table FlowReports::cycle_time() {
  Table t{"cycle-time", "Cycle time (claim to done) of the WUs done in the window, in days", {}, {}, {}, {}};
  t.columns = {"lane", "type", "n", "p50_days", "p85_days", "p95_days", "active_days", "blocked_days", "ready_days",
               "flow_efficiency_pct"};
  struct Group {
    std::vector<double> days;
    int64_t in_state[kStates] = {0, 0, 0, 0};
  };
  std::map<std::pair<std::string, std::string>, Group> groups;
  Group all;
  for (const WorkUnit& w : board_.units()) {
    if (!w.done || !w.claimed || !in_window(*w.done)) continue;
    for (Group* g : {&groups[{board_.lanes()[w.lane], board_.types()[w.type]}], &all}) {
      g->days.push_back(days_of(*w.done - *w.claimed));
      for (size_t s = 0; s < kStates; ++s) g->in_state[s] += w.in_state[s];
    }
  }
  auto row = [&](const std::string& lane, const std::string& type, const Group& g) {
    const auto n = static_cast<double>(g.days.size());
    const int64_t total = g.in_state[0] + g.in_state[1] + g.in_state[2];
    t.rows.push_back({text_cell(lane), text_cell(type), int_cell(static_cast<int64_t>(g.days.size())),
                      num_cell(pct(g.days, 50), 2), num_cell(pct(g.days, 85), 2), num_cell(pct(g.days, 95), 2),
                      num_cell(days_of(g.in_state[1]) / n, 2), num_cell(days_of(g.in_state[2]) / n, 2),
                      num_cell(days_of(g.in_state[0]) / n, 2),
                      total ? num_cell(100.0 * static_cast<double>(g.in_state[1]) / static_cast<double>(total), 1)
                            : null_cell()});
  };
  for (const auto& [key, g] : groups) row(key.first, key.second, g);
  if (groups.size() > 1) {
    row("", "", all);
    t.notes.push_back("the row without lane and type is all of them");
  }
  return t;
}

std::vector<Table> FlowReports::throughput() {
  Table t{"throughput", std::string("Throughput: WUs done per ") + bucket_unit_name(o_.bucket), {"bucket", "done"}, {},
          {}, 1};
  {
    Bucketer b(o_.bucket, o_.week_starts_sunday, o_.tz);
    const auto edges = bucket_edges(window_start_, snapshot_.back(), b);
    std::vector<int64_t> done(edges.empty() ? 0 : edges.size() - 1, 0);
    for (const WorkUnit& w : board_.units()) {
      if (!w.done || !in_window(*w.done)) continue;
      const auto it = std::upper_bound(edges.begin(), edges.end(), *w.done);
      if (it != edges.begin() && it != edges.end()) ++done[static_cast<size_t>(it - edges.begin()) - 1];
    }
    for (size_t i = 0; i < done.size(); ++i)
      t.rows.push_back({text_cell(b.label(b.start(edges[i]))), int_cell(done[i])});
  }
  Table cfd{"cumulative-flow", "Cumulative flow: WUs per state at the end of each day", {"day"}, {}, {}, {}};
  for (size_t s = 0; s < kStates; ++s) cfd.columns.push_back(state_name(static_cast<State>(s)));
  for (size_t i = 0; i < day_labels_.size(); ++i) {
    std::vector<Cell> row{text_cell(day_labels_[i])};
    for (size_t s = 0; s < kStates; ++s) row.push_back(int_cell(cfd_[s][i]));
    cfd.rows.push_back(std::move(row));
  }
  return {t, cfd};
}

Table FlowReports::forecast() {
  Table t{"forecast", "Forecast (Monte Carlo over the window's daily throughput)", {}, {}, {}, {}};
  t.columns = {"question", "target", "p50", "p85", "p95"};
  std::vector<int64_t> daily;
  for (double d : daily_throughput()) daily.push_back(static_cast<int64_t>(d));
  Bucketer days(BucketUnit::kDay, o_.week_starts_sunday, o_.tz);
  // The forecast's days follow the history's: its first is the day after
  // the window's last.
  const TimeNs first = days.next(day_start_.back());
  auto date_after = [&](int64_t n) {  // the n-th day, from 1
    TimeNs s = first;
    for (int64_t i = 1; i < n; ++i) s = days.next(s);
    return days.label(s);
  };
  int64_t horizon = 14;
  if (o_.forecast_date) {
    horizon = 0;
    for (TimeNs s = first; s <= *o_.forecast_date && horizon <= kMaxForecastDays; s = days.next(s)) ++horizon;
  }
  const auto items = items_within(daily, horizon, o_.trials, o_.seed);
  t.rows.push_back({text_cell("items done by"), text_cell(date_after(horizon)), int_cell(items[0]), int_cell(items[1]),
                    int_cell(items[2])});
  uint64_t want = 0;
  if (o_.forecast_items) {
    want = *o_.forecast_items;
  } else {
    for (const WorkUnit& w : board_.units()) want += w.seen && w.state != State::kDone;
  }
  const auto took = days_for(daily, want, o_.trials, o_.seed);
  std::vector<Cell> row{text_cell("date for items"), int_cell(static_cast<int64_t>(want))};
  for (const auto& d : took) row.push_back(d ? text_cell(*d ? date_after(*d) : days.label(day_start_.back())) : null_cell());
  t.rows.push_back(std::move(row));
  t.notes.push_back(std::to_string(o_.trials) + " trials, seed " + std::to_string(o_.seed) + ", " +
                    std::to_string(daily.size()) + " days of history; pN: N% of the trials do at least as well");
  return t;
}

Table FlowReports::gates() {
  Table t{"gates", "Gate pass rates in the window", {"gate", "runs", "passed", "failed", "pass_rate_pct"}, {}, {}, {}};
  std::map<std::string, std::pair<int64_t, int64_t>> counts;
  for (const GateRun& r : board_.gate_runs())
    if (in_window(r.t)) {
      auto& c = counts[board_.gates()[r.gate]];
      (r.passed ? c.first : c.second)++;
    }
  for (const auto& [gate, c] : counts)
    t.rows.push_back({text_cell(gate), int_cell(c.first + c.second), int_cell(c.first), int_cell(c.second),
                      num_cell(100.0 * static_cast<double>(c.first) / static_cast<double>(c.first + c.second), 1)});
  return t;
}

std::vector<Table> FlowReports::tables(Report r) {
  switch (r) {
    case Report::kWip: return {wip()};
    case Report::kBlocked: return {blocked()};
    case Report::kStale: return {stale()};
    case Report::kCriticalPath: return critical_path();
    case Report::kCycleTime: return {cycle_time()};
    case Report::kThroughput: return throughput();
    case Report::kForecast: return {forecast()};
    case Report::kGates: return {gates()};
    case Report::kReport: break;
  }
  std::vector<Table> out;
  for (const auto& [name, each] : kReports.items) {
    if (each == Report::kReport) continue;
    for (Table& t : tables(each)) out.push_back(std::move(t));
  }
  return out;
}

Findings FlowReports::findings() {
  Findings f;
  const Table w = wip();
  for (const auto& row : w.rows) f.lanes_over_limit += row[7].json == "true";
  f.blocked = blocked().rows.size();
  f.stale = stale().rows.size();
  return f;
}

}  // namespace ndj::flow
