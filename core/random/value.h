#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace sf {

/// The kinds of value a parameter holds and a distribution produces.
enum class ValueKind { Number, Integer, Boolean, String };

/// "number", "integer", "boolean" or "string".
const char* valueKindName(ValueKind kind);

/// True when a value of kind `produced` may fill a parameter of kind `wanted`: the same
/// kind, or numbers for integers (rounded) and integers for numbers.
bool kindFits(ValueKind produced, ValueKind wanted);

/// One drawn value. std::monostate is "none": an asset choice that matched no asset.
using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

/// The value's kind; "none" counts as a string (an asset id that is absent).
ValueKind kindOf(const Value& value);

/// True for integers and numbers.
bool isNumeric(const Value& value);

/// An integer or number as a double; 0 for other values.
double numericValue(const Value& value);

/// A JSON scalar: null for none.
nlohmann::json valueToJson(const Value& value);

/// The value of a JSON scalar (null is none); nothing for arrays and objects. Unsigned
/// integers beyond the int64 range become numbers.
std::optional<Value> valueFromJson(const nlohmann::json& json);

/// "none", "true", "12.5", "smile": for tables and plots (strings unquoted).
std::string valueToString(const Value& value);

}  // namespace sf
