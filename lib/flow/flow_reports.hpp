// ndj-flow's reports, each computed from a resolved Board into tables of
// cells that every format (table, NDJSON, JSON, CSV, HTML) writes the same.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/choices.hpp"
#include "core/time_bucket.hpp"
#include "flow/flow.hpp"

namespace ndj::flow {

// One value: its JSON text and how a table or CSV shows it.
struct Cell {
  std::string json;
  std::string text;
  bool right = false;  // numbers: right-aligned in a table
};
Cell text_cell(std::string_view s);  // "" is null
Cell int_cell(int64_t v);
Cell num_cell(double v, int digits);  // NaN is null
Cell null_cell();
Cell bool_cell(bool v);
Cell list_cell(const std::vector<std::string>& items);  // a JSON array; space-separated as text

struct Table {
  std::string name;   // the "report" member of its NDJSON rows
  std::string title;  // the table's heading
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::vector<std::string> notes;  // lines under the table (and the page)
  // The series a table draws as a sparkline (throughput) and the page as
  // a chart: column index, or none.
  std::optional<size_t> chart_column;
};

enum class Report { kWip, kBlocked, kStale, kCriticalPath, kCycleTime, kThroughput, kForecast, kGates, kReport };
extern const Choices<Report> kReports;

struct ReportOptions {
  size_t days = 30;  // the window: these local days up to the as-of instant
  std::string tz;
  bool week_starts_sunday = false;
  BucketUnit bucket = BucketUnit::kDay;  // throughput
  std::vector<std::pair<std::string, uint64_t>> wip_limits;  // lane ("*": any other) and limit
  std::optional<int64_t> stale;  // --stale; else the lane's p85 cycle time
  size_t top = 20;               // critical-path rows; 0: all
  uint64_t trials = 10000, seed = 1;
  std::optional<TimeNs> forecast_date;     // the last day counted; default: the 14th
  std::optional<uint64_t> forecast_items;  // default: the unfinished WUs
};

// --wip-limit LANE=N (LANE `*`: every lane without its own); the reason
// when it is not one.
std::optional<std::string> add_wip_limit(std::string_view spec, ReportOptions& o);
// --wip-limits FILE: a JSON object of lanes and limits, {"Ops": 3, "*": 5}.
std::optional<std::string> load_wip_limits(const std::string& path, ReportOptions& o);

// What --fail-on looks for.
struct Findings {
  size_t lanes_over_limit = 0, blocked = 0, stale = 0;
};

// The board's reports: computes what several reports share once.
class FlowReports {
 public:
  FlowReports(const Board& board, const ReportOptions& options);
  FlowReports(const FlowReports&) = delete;
  FlowReports& operator=(const FlowReports&) = delete;

  // The tables of one report (kReport: every report's).
  std::vector<Table> tables(Report r);
  Findings findings();

  // The window: its first instant and the instant after it.
  TimeNs window_start() const { return window_start_; }
  TimeNs window_end() const { return snapshot_.back(); }
  // The window's days as labels (YYYY-MM-DD), and the counts per state at
  // the end of each (the cumulative flow).
  const std::vector<std::string>& day_labels() const { return day_labels_; }
  const std::vector<std::vector<int64_t>>& cumulative_flow() const { return cfd_; }  // [state][day]
  std::vector<double> daily_throughput() const;

 private:
  Table wip();
  Table blocked();
  Table stale();
  std::vector<Table> critical_path();
  Table cycle_time();
  std::vector<Table> throughput();
  Table forecast();
  Table gates();

  bool in_window(TimeNs t) const { return t >= window_start_ && t < snapshot_.back(); }
  bool unfinished(uint32_t u) const;
  // Whether u waits on an unfinished WU.
  bool waits(uint32_t u) const;

  // The graph of unfinished WUs (u depends on d) and its strongly
  // connected components, numbered so that a component comes after every
  // one it depends on. Made on first use.
  struct Graph {
    std::vector<uint32_t> nodes;
    std::vector<std::vector<uint32_t>> dependents;  // per unit
    std::vector<uint32_t> comp;                     // per unit; UINT32_MAX: not a node
    std::vector<uint32_t> comp_size;
  };
  const Graph& graph();
  bool in_cycle(uint32_t u);
  std::optional<int64_t> stale_limit(uint32_t lane) const;

  const Board& board_;
  const ReportOptions& o_;
  TimeNs window_start_ = 0;
  std::vector<TimeNs> day_start_, snapshot_;  // per day: its start, the instant of its counts
  std::vector<std::string> day_labels_;
  std::vector<std::vector<int64_t>> cfd_;       // [state][day]
  std::vector<std::vector<int64_t>> lane_wip_;  // [lane][day]: active + blocked
  std::vector<std::vector<double>> lane_cycle_days_;  // per lane, WUs done in the window
  std::optional<Graph> graph_;
};

}  // namespace ndj::flow
