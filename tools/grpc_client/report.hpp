#pragma once
// The human-readable summary of a load run.

#include "publish_load.hpp"

#include <string>

namespace sluice::grpc_client {

std::string format_report(const LoadOptions& options, LoadResult& result);

}  // namespace sluice::grpc_client
