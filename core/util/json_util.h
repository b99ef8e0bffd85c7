#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// A short description of a JSON value for "(got X)" in messages: numbers and booleans as
/// written, strings quoted and cut after 40 characters, "null", "an object", "an array".
/// Never recurses, so a hostile document cannot make it slow or deep.
std::string describeJson(const nlohmann::json& value);

/// A number as a message shows it: shortest round-trip form, "inf", "-inf", "nan".
std::string numberText(double value);

/// One JSON pointer token for a key: "~" becomes "~0" and "/" becomes "~1" (RFC 6901).
std::string escapePointerToken(std::string_view key);

/// The JSON pointer of a dotted parameter path: "camera.yaw" -> "/camera/yaw".
std::string pointerOfPath(std::string_view dottedPath);

/// Splits a dotted path at '.'.
std::vector<std::string> splitPath(std::string_view dottedPath);

/// True when the bytes are well-formed UTF-8 (what JSON strings must be).
bool isValidUtf8(std::string_view text);

/// JSON text that never throws on bad UTF-8 (invalid bytes are replaced).
std::string dumpJson(const nlohmann::json& value, int indent = -1);

/// A name as a JSON string, quotes and escapes included, for messages: "nose_width".
std::string inQuotes(const std::string& text);

}  // namespace sf
