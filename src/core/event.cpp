#include <sluice/core/event.hpp>

namespace sluice {

const Extension* Event::extension(std::string_view name) const noexcept {
  for (const auto& extension : extensions) {
    if (extension.name == name) return &extension;
  }
  return nullptr;
}

std::optional<std::string_view> Event::attribute(std::string_view name) const noexcept {
  auto present = [](std::string_view value) -> std::optional<std::string_view> {
    if (value.empty()) return std::nullopt;
    return value;
  };
  if (name == "id") return id;
  if (name == "source") return source;
  if (name == "specversion") return specversion;
  if (name == "type") return type;
  if (name == "datacontenttype") return present(datacontenttype);
  if (name == "dataschema") return present(dataschema);
  if (name == "subject") return present(subject);
  if (name == "time") return present(time);
  if (const Extension* found = extension(name)) return found->value;
  return std::nullopt;
}

}  // namespace sluice
