// A YAML document as a read-only tree, built from libyaml's events: only what the register-map
// checks need (mappings, sequences, scalars with their lines). yaml-cpp's node tree cost 55 bytes of
// heap per byte of map and most of the parse time; this is an array of nodes, built without
// recursion, so no input can overflow the stack, and freed without recursion too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace uiokit::regmap::yaml {

// What made the text unusable as YAML; line counted from 1 (0: none).
class SyntaxError : public std::runtime_error {
public:
    enum class Kind { syntax, too_deep, aliases };
    SyntaxError(int line, Kind kind, const std::string& reason) : std::runtime_error(reason), line_(line), kind_(kind) {}
    [[nodiscard]] int line() const noexcept { return line_; }
    [[nodiscard]] Kind kind() const noexcept { return kind_; }

private:
    int line_;
    Kind kind_;
};

struct Limits {
    int max_depth = 100;                          // collections inside collections
    std::uint64_t max_alias_nodes = 1'000'000;    // nodes aliases may add to the document
};

class Document;

// A node of a Document, or none (a key that is not there). Cheap to copy; valid while its
// Document lives.
class Node {
public:
    Node() = default;
    explicit operator bool() const noexcept { return doc_ != nullptr; }

    [[nodiscard]] bool is_map() const noexcept;
    [[nodiscard]] bool is_sequence() const noexcept;
    [[nodiscard]] bool is_scalar() const noexcept;  // null included, as in YAML
    // A plain empty, ~ or null scalar (YAML's null), or no node at all.
    [[nodiscard]] bool is_null() const noexcept;
    [[nodiscard]] const std::string& scalar() const;  // the text; "" for a collection
    [[nodiscard]] int line() const noexcept;          // from 1; 0 for no node
    // Sequence elements, or mapping entries (key and value pairs count once).
    [[nodiscard]] std::size_t size() const noexcept;
    [[nodiscard]] Node element(std::size_t i) const;  // of a sequence
    [[nodiscard]] Node key(std::size_t i) const;      // of a mapping's i-th entry
    [[nodiscard]] Node value(std::size_t i) const;
    // The value of the first entry whose key is the scalar `name`; none if absent or not a mapping.
    [[nodiscard]] Node operator[](std::string_view name) const;

private:
    friend class Document;
    Node(const Document* doc, std::uint32_t index) : doc_(doc), index_(index) {}
    const Document* doc_ = nullptr;
    std::uint32_t index_ = 0;
};

class Document {
public:
    // Parses the first and only document of `text` (UTF-8). Throws SyntaxError.
    static Document parse(std::string_view text, const Limits& limits = {});
    Document(Document&&) noexcept = default;
    Document& operator=(Document&&) noexcept = default;
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;
    ~Document() = default;

    // The top node; none for an empty text.
    [[nodiscard]] Node root() const { return has_root_ ? Node(this, 0) : Node(); }

private:
    friend class Node;
    Document() = default;
    enum class Kind : std::uint8_t { scalar, sequence, map };
    struct Entry {
        Kind kind = Kind::scalar;
        bool plain = false;           // a plain (unquoted) scalar: may be null
        int line = 0;
        std::uint32_t first = 0;      // collections: first child in children_
        std::uint32_t count = 0;      // collections: number of children (a mapping: 2 per entry)
        std::string text;             // scalars
    };
    std::vector<Entry> nodes_;
    std::vector<std::uint32_t> children_;  // an alias is the index of the node it names
    bool has_root_ = false;
};

}  // namespace uiokit::regmap::yaml
