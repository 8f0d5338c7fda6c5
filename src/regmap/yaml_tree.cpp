#include "yaml_tree.hpp"

#include <yaml.h>

#include <algorithm>
#include <limits>
#include <new>
#include <unordered_map>

namespace uiokit::regmap::yaml {
namespace {

// libyaml's handles, released on every path.
struct Parser {
    yaml_parser_t parser{};
    Parser() {
        if (!yaml_parser_initialize(&parser)) throw std::bad_alloc();
    }
    ~Parser() { yaml_parser_delete(&parser); }
    Parser(const Parser&) = delete;
    Parser& operator=(const Parser&) = delete;
};

struct Event {
    yaml_event_t event{};
    ~Event() { yaml_event_delete(&event); }
};

int line_at_offset(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

[[noreturn]] void throw_libyaml_error(const yaml_parser_t& p, std::string_view text) {
    if (p.error == YAML_MEMORY_ERROR) throw std::bad_alloc();
    const std::string problem = p.problem != nullptr ? p.problem : "unknown error";
    if (p.error == YAML_READER_ERROR)
        throw SyntaxError(line_at_offset(text, p.problem_offset), SyntaxError::Kind::syntax, problem);
    std::string reason = problem;
    if (p.context != nullptr)
        reason += std::string(" (") + p.context + " that starts at line " + std::to_string(p.context_mark.line + 1) + ")";
    throw SyntaxError(static_cast<int>(p.problem_mark.line) + 1, SyntaxError::Kind::syntax, reason);
}

bool is_null_text(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

constexpr const char* null_tag = "tag:yaml.org,2002:null";

}  // namespace

bool Node::is_map() const noexcept { return doc_ && doc_->nodes_[index_].kind == Document::Kind::map; }
bool Node::is_sequence() const noexcept { return doc_ && doc_->nodes_[index_].kind == Document::Kind::sequence; }
bool Node::is_scalar() const noexcept { return doc_ && doc_->nodes_[index_].kind == Document::Kind::scalar; }

bool Node::is_null() const noexcept {
    if (!doc_) return true;
    const auto& n = doc_->nodes_[index_];
    return n.kind == Document::Kind::scalar && n.plain && is_null_text(n.text);
}

const std::string& Node::scalar() const {
    static const std::string none;
    return doc_ ? doc_->nodes_[index_].text : none;
}

int Node::line() const noexcept { return doc_ ? doc_->nodes_[index_].line : 0; }

std::size_t Node::size() const noexcept {
    if (!doc_) return 0;
    const auto& n = doc_->nodes_[index_];
    return n.kind == Document::Kind::map ? n.count / 2 : n.count;
}

Node Node::element(std::size_t i) const {
    const auto& n = doc_->nodes_[index_];
    return {doc_, doc_->children_[n.first + i]};
}

Node Node::key(std::size_t i) const {
    const auto& n = doc_->nodes_[index_];
    return {doc_, doc_->children_[n.first + 2 * i]};
}

Node Node::value(std::size_t i) const {
    const auto& n = doc_->nodes_[index_];
    return {doc_, doc_->children_[n.first + 2 * i + 1]};
}

Node Node::operator[](std::string_view name) const {
    if (!is_map()) return {};
    for (std::size_t i = 0; i < size(); ++i) {
        const Node k = key(i);
        if (k.is_scalar() && k.scalar() == name) return value(i);
    }
    return {};
}

Document Document::parse(std::string_view text, const Limits& limits) {
    Document doc;
    Parser p;
    yaml_parser_set_input_string(&p.parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());

    // The collections being read, innermost last, with the children read so far. Each node's size
    // with its aliases expanded (0 while it is open) bounds what aliases may add: a few lines of
    // anchors and aliases could otherwise stand for billions of nodes, for the checks to walk.
    struct Open {
        std::uint32_t index;
        std::vector<std::uint32_t> children;
    };
    std::vector<Open> open;
    std::vector<std::uint64_t> expanded;
    std::unordered_map<std::string, std::uint32_t> anchors;
    std::uint64_t alias_nodes = 0;
    int documents = 0;

    const auto add_child = [&](std::uint32_t index) {
        if (!open.empty()) open.back().children.push_back(index);
    };
    const auto new_node = [&](Kind kind, const yaml_mark_t& mark, const yaml_char_t* anchor) {
        if (doc.nodes_.size() >= std::numeric_limits<std::uint32_t>::max()) throw std::bad_alloc();
        const auto index = static_cast<std::uint32_t>(doc.nodes_.size());
        Entry& e = doc.nodes_.emplace_back();
        e.kind = kind;
        e.line = static_cast<int>(mark.line) + 1;
        expanded.push_back(kind == Kind::scalar ? 1 : 0);
        if (anchor != nullptr) anchors[reinterpret_cast<const char*>(anchor)] = index;
        return index;
    };

    for (bool done = false; !done;) {
        Event ev;
        if (!yaml_parser_parse(&p.parser, &ev.event)) throw_libyaml_error(p.parser, text);
        const yaml_event_t& e = ev.event;
        const int line = static_cast<int>(e.start_mark.line) + 1;
        switch (e.type) {
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1)
                    throw SyntaxError(line, SyntaxError::Kind::syntax,
                                      "a second YAML document starts here (a register map is one document)");
                break;
            case YAML_STREAM_END_EVENT: done = true; break;
            case YAML_SCALAR_EVENT: {
                const std::uint32_t index = new_node(Kind::scalar, e.start_mark, e.data.scalar.anchor);
                Entry& n = doc.nodes_[index];
                n.text.assign(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
                const char* tag = reinterpret_cast<const char*>(e.data.scalar.tag);
                n.plain = (e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && tag == nullptr) ||
                          (tag != nullptr && std::string_view(tag) == null_tag);
                add_child(index);
                break;
            }
            case YAML_SEQUENCE_START_EVENT:
            case YAML_MAPPING_START_EVENT: {
                if (open.size() >= static_cast<std::size_t>(limits.max_depth))
                    throw SyntaxError(line, SyntaxError::Kind::too_deep,
                                      "the YAML is nested more than " + std::to_string(limits.max_depth) + " levels deep");
                const bool is_map = e.type == YAML_MAPPING_START_EVENT;
                const std::uint32_t index = new_node(is_map ? Kind::map : Kind::sequence, e.start_mark,
                                                     is_map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor);
                add_child(index);
                open.push_back({index, {}});
                break;
            }
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT: {
                Open closing = std::move(open.back());
                open.pop_back();
                std::uint64_t total = 1;
                for (const std::uint32_t child : closing.children) total = std::min(total + expanded[child], std::uint64_t{1} << 62);
                expanded[closing.index] = total;
                Entry& n = doc.nodes_[closing.index];
                n.first = static_cast<std::uint32_t>(doc.children_.size());
                n.count = static_cast<std::uint32_t>(closing.children.size());
                doc.children_.insert(doc.children_.end(), closing.children.begin(), closing.children.end());
                break;
            }
            case YAML_ALIAS_EVENT: {
                const std::string name = reinterpret_cast<const char*>(e.data.alias.anchor);
                const auto found = anchors.find(name);
                if (found == anchors.end())
                    throw SyntaxError(line, SyntaxError::Kind::syntax, "alias *" + name + " names no anchor defined before it");
                if (expanded[found->second] == 0)
                    throw SyntaxError(line, SyntaxError::Kind::syntax,
                                      "alias *" + name + " lies inside the node it names (a cycle)");
                alias_nodes += expanded[found->second];
                if (alias_nodes > limits.max_alias_nodes)
                    throw SyntaxError(line, SyntaxError::Kind::aliases,
                                      "aliases (here *" + name + ") add more than " + std::to_string(limits.max_alias_nodes) +
                                          " nodes to the document");
                add_child(found->second);
                break;
            }
            default: break;  // stream start, document end
        }
    }
    doc.has_root_ = !doc.nodes_.empty();
    return doc;
}

}  // namespace uiokit::regmap::yaml
