#include "sinks/kafka/error_mapping.hpp"

#include <fmt/format.h>

#include <cctype>

namespace sluice::kafka {
namespace {

constexpr DeliveryStatus kRetryable = DeliveryStatus::retryable_failure;
constexpr DeliveryStatus kPermanent = DeliveryStatus::permanent_failure;

constexpr std::string_view kHintUnreachable =
    "check that the brokers in {sink}.brokers are reachable from this host (DNS, port, firewall, "
    "{sink}.properties.security.protocol)";
constexpr std::string_view kHintTimeout =
    "the broker did not confirm in time: raise {sink}.delivery_timeout, or check broker health";
constexpr std::string_view kHintLeadership =
    "the cluster is electing leaders or is short of in-sync replicas; it usually recovers by itself "
    "(with acks=all the topic needs min.insync.replicas up; see {sink}.properties.acks)";
constexpr std::string_view kHintAuthentication =
    "the broker refused the credentials: check {sink}.properties.security.protocol, sasl.mechanism, "
    "sasl.username/sasl.password and ssl.* settings";
constexpr std::string_view kHintClusterAuthorization =
    "the principal may not write idempotently (IdempotentWrite ACL): grant it, or set "
    "{sink}.properties.enable.idempotence: false";
constexpr std::string_view kHintIdempotence =
    "the idempotent producer lost its sequence state; sluice keeps failing these records until "
    "restarted (or set {sink}.properties.enable.idempotence: false)";
constexpr std::string_view kHintShutdown =
    "sluice is shutting down before the broker confirmed the record; the client should retry "
    "(raise the top-level shutdown_timeout to give deliveries more time)";
constexpr std::string_view kHintLocalQueue =
    "librdkafka's local queue is full: raise {sink}.properties.queue.buffering.max.messages / "
    "queue.buffering.max.kbytes or lower {sink}.budget_share";
constexpr std::string_view kHintCompression =
    "the broker does not support the codec: set {sink}.properties.compression.type to one it does "
    "(gzip, snappy, lz4, zstd or none)";
constexpr std::string_view kHintVersion =
    "the broker is too old for this request: set {sink}.properties.broker.version.fallback or "
    "api.version.request";
constexpr std::string_view kHintAcks = "the broker refuses the acks setting: check {sink}.properties.acks";
constexpr std::string_view kHintThrottle =
    "the broker's quota throttles this client: raise the client quota on the broker (client id in "
    "{sink}.properties.client.id)";
constexpr std::string_view kHintMessageSize =
    "the record is larger than allowed: raise {sink}.properties.message.max.bytes (and the topic's "
    "max.message.bytes on the broker) or send smaller events";
constexpr std::string_view kHintUnknownTopic =
    "the topic does not exist: create it, allow auto-creation on the broker, or fix the route's "
    "topic (or {sink}.topic)";
constexpr std::string_view kHintTopicName =
    "the topic name is invalid: fix the route's topic template or {sink}.topic (letters, digits, "
    "'.', '_', '-')";
constexpr std::string_view kHintTopicAuthorization =
    "the principal may not write to this topic: grant the Write ACL, or route the event to another "
    "topic (route topic or {sink}.topic)";
constexpr std::string_view kHintRecord =
    "the broker refused the record's contents (policy, timestamp or format): check the topic's "
    "configuration, or use {sink}.format: structured";
constexpr std::string_view kHintMessageFormat =
    "the topic's message format has no headers (Kafka < 0.11): use {sink}.format: structured";
constexpr std::string_view kHintBadRecord =
    "librdkafka refused the record itself: check {sink}.properties and the route's topic and key";
constexpr std::string_view kHintGeneric =
    "see librdkafka's documentation of this error and the settings under {sink}.properties";

}  // namespace

KafkaErrorDecision classify_kafka_error(rd_kafka_resp_err_t error) noexcept {
  switch (error) {
    // --- Permanent: this record cannot be delivered as it is ---------------------------------
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
      return {kPermanent, kHintMessageSize};
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return {kPermanent, kHintUnknownTopic};
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
      return {kPermanent, kHintTopicName};
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      return {kPermanent, kHintTopicAuthorization};
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
      return {kPermanent, kHintRecord};
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT:
      return {kPermanent, kHintMessageFormat};
    case RD_KAFKA_RESP_ERR__BAD_MSG:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__INVALID_TYPE:
    case RD_KAFKA_RESP_ERR__KEY_SERIALIZATION:
    case RD_KAFKA_RESP_ERR__VALUE_SERIALIZATION:
    case RD_KAFKA_RESP_ERR__CONFLICT:
      return {kPermanent, kHintBadRecord};

    // --- Retryable: the path to the broker, not the record ------------------------------------
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__NODE_UPDATE:
    case RD_KAFKA_RESP_ERR__UNKNOWN_BROKER:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_LISTENER_NOT_FOUND:
      return {kRetryable, kHintUnreachable};
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return {kRetryable, kHintTimeout};
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR__ISR_INSUFF:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
    case RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_ELIGIBLE_LEADERS_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_REASSIGNMENT_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_NOT_CONTROLLER:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:  // CRC mismatch in transit; the next attempt may pass
      return {kRetryable, kHintLeadership};
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM:
    case RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE:
    case RD_KAFKA_RESP_ERR_SECURITY_DISABLED:
    case RD_KAFKA_RESP_ERR_UNACCEPTABLE_CREDENTIAL:
    case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_AUTH_DISABLED:
    case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_NOT_FOUND:
    case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_OWNER_MISMATCH:
    case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_REQUEST_NOT_ALLOWED:
    case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_DELEGATION_TOKEN_EXPIRED:
    case RD_KAFKA_RESP_ERR_PRINCIPAL_DESERIALIZATION_FAILURE:
      return {kRetryable, kHintAuthentication};
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return {kRetryable, kHintClusterAuthorization};
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__INCONSISTENT:
    case RD_KAFKA_RESP_ERR__GAPLESS_GUARANTEE:
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RD_KAFKA_RESP_ERR_DUPLICATE_SEQUENCE_NUMBER:
    case RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_ID_MAPPING:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
      return {kRetryable, kHintIdempotence};
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
    case RD_KAFKA_RESP_ERR__DESTROY:
      return {kRetryable, kHintShutdown};
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
      return {kRetryable, kHintLocalQueue};
    case RD_KAFKA_RESP_ERR__BAD_COMPRESSION:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_COMPRESSION_TYPE:
      return {kRetryable, kHintCompression};
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PROTOCOL:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
    case RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED:
      return {kRetryable, kHintVersion};
    case RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS:
      return {kRetryable, kHintAcks};
    case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED:
      return {kRetryable, kHintThrottle};
    default:
      // Consumer-group, admin and transaction codes do not arise from producing; an unknown code
      // is treated as transient so that no event is dead-lettered on a guess.
      return {kRetryable, kHintGeneric};
  }
}

std::string kafka_error_label(rd_kafka_resp_err_t error) {
  std::string_view name = rd_kafka_err2name(error);
  while (!name.empty() && name.front() == '_') name.remove_prefix(1);
  std::string label;
  label.reserve(name.size());
  for (char c : name) label += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return label.empty() ? fmt::format("kafka_error_{}", static_cast<int>(error)) : label;
}

std::string describe_kafka_error(rd_kafka_resp_err_t error, std::string_view sink_key_prefix) {
  const KafkaErrorDecision decision = classify_kafka_error(error);
  std::string hint(decision.hint);
  constexpr std::string_view kPlaceholder = "{sink}";
  for (std::size_t at = hint.find(kPlaceholder); at != std::string::npos; at = hint.find(kPlaceholder, at)) {
    hint.replace(at, kPlaceholder.size(), sink_key_prefix);
    at += sink_key_prefix.size();
  }
  std::string_view sink_name = sink_key_prefix;
  if (const std::size_t dot = sink_name.rfind('.'); dot != std::string_view::npos) sink_name.remove_prefix(dot + 1);
  return fmt::format("kafka sink '{}': {}: {}; {}", sink_name, rd_kafka_err2name(error), rd_kafka_err2str(error), hint);
}

const std::string& KafkaErrorTexts::describe(rd_kafka_resp_err_t error) {
  auto found = texts_.find(static_cast<int>(error));
  if (found == texts_.end()) {
    found = texts_.emplace(static_cast<int>(error), describe_kafka_error(error, sink_key_prefix_)).first;
  }
  return found->second;
}

}  // namespace sluice::kafka
