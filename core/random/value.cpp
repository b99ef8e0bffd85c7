#include "random/value.h"

#include "util/json_util.h"

#include <nlohmann/json.hpp>

#include <limits>

namespace sf {

const char* valueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::Number: return "number";
    case ValueKind::Integer: return "integer";
    case ValueKind::Boolean: return "boolean";
    case ValueKind::String: return "string";
  }
  return "?";
}

bool kindFits(ValueKind produced, ValueKind wanted) {
  const auto numeric = [](ValueKind kind) {
    return kind == ValueKind::Number || kind == ValueKind::Integer;
  };
  return produced == wanted || (numeric(produced) && numeric(wanted));
}

ValueKind kindOf(const Value& value) {
  switch (value.index()) {
    case 1: return ValueKind::Boolean;
    case 2: return ValueKind::Integer;
    case 3: return ValueKind::Number;
    default: return ValueKind::String;
  }
}

bool isNumeric(const Value& value) {
  return std::holds_alternative<std::int64_t>(value) || std::holds_alternative<double>(value);
}

double numericValue(const Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return static_cast<double>(*integer);
  }
  if (const auto* number = std::get_if<double>(&value)) {
    return *number;
  }
  return 0.0;
}

nlohmann::json valueToJson(const Value& value) {
  switch (value.index()) {
    case 1: return std::get<bool>(value);
    case 2: return std::get<std::int64_t>(value);
    case 3: return std::get<double>(value);
    case 4: return std::get<std::string>(value);
    default: return nullptr;
  }
}

std::optional<Value> valueFromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null: return Value{};
    case nlohmann::json::value_t::boolean: return Value{json.get<bool>()};
    case nlohmann::json::value_t::number_integer: return Value{json.get<std::int64_t>()};
    case nlohmann::json::value_t::number_unsigned: {
      const auto number = json.get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value{static_cast<std::int64_t>(number)};
      }
      return Value{static_cast<double>(number)};
    }
    case nlohmann::json::value_t::number_float: return Value{json.get<double>()};
    case nlohmann::json::value_t::string: return Value{json.get<std::string>()};
    default: return std::nullopt;
  }
}

std::string valueToString(const Value& value) {
  switch (value.index()) {
    case 1: return std::get<bool>(value) ? "true" : "false";
    case 2: return std::to_string(std::get<std::int64_t>(value));
    case 3: return numberText(std::get<double>(value));
    case 4: return std::get<std::string>(value);
    default: return "none";
  }
}

}  // namespace sf
