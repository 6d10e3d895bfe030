#pragma once
// The fault-control language of sluice-kafka-mock: one command per line on stdin, executed on the
// running librdkafka mock cluster, so a test can break and heal "Kafka" without restarting it.
//
//   broker-down <id|-1>                      rd_kafka_mock_broker_set_down (-1: every broker)
//   broker-up <id|-1>                        rd_kafka_mock_broker_set_up
//   leader <topic> <partition> <broker|-1>   rd_kafka_mock_partition_set_leader (-1: leaderless)
//   errors <ApiKey> <count> <error>          rd_kafka_mock_push_request_errors: the next <count>
//                                            requests of that ApiKey (number or name, e.g. 0 or
//                                            Produce) fail with <error> (number or name, e.g. 6 or
//                                            NOT_LEADER_FOR_PARTITION; _TRANSPORT disconnects)
//   rtt <id|-1> <ms>                         rd_kafka_mock_broker_set_rtt (slow broker)
//   topic <topic> <partitions>               create a topic
//   ping                                     answers ok (a barrier for the caller)
//   quit                                     answers ok and stops the mock
//
// Each command is answered with one line, `ok` or `error: <why>`. Blank lines and lines starting
// with '#' are ignored and not answered.

#include <string>
#include <string_view>

struct rd_kafka_mock_cluster_s;

namespace sluice::kafka_mock {

struct CommandOutcome {
  std::string answer;  // "ok" or "error: ..."; empty for a blank or comment line
  bool quit = false;   // the caller should stop the mock
};

// Parses and runs one line against `cluster`. Thread-safety: call from one thread at a time; the
// mock cluster serialises the operations with its own thread.
CommandOutcome run_fault_command(rd_kafka_mock_cluster_s* cluster, int broker_count, std::string_view line);

}  // namespace sluice::kafka_mock
