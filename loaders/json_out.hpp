// Small helpers over RapidJSON's SAX Writer for result writers: output is built as a string
// (or streamed, one value at a time), keys and values are written in the order the code gives
// them.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "loaders/text_sink.hpp"

namespace orgraph {

class JsonOut {
 public:
  JsonOut() : writer_(buffer_) {}
  rapidjson::Writer<rapidjson::StringBuffer>& w() { return writer_; }
  JsonOut& key(std::string_view k) {
    writer_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  JsonOut& str(std::string_view v) {
    writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  JsonOut& num(std::uint64_t v) {
    writer_.Uint64(v);
    return *this;
  }
  JsonOut& integer(std::int64_t v) {
    writer_.Int64(v);
    return *this;
  }
  // Doubles are rounded to 6 decimals so output is stable and readable.
  JsonOut& real(double v) {
    if (!std::isfinite(v)) {
      writer_.Null();
    } else {
      writer_.Double(std::round(v * 1e6) / 1e6);
    }
    return *this;
  }
  JsonOut& boolean(bool v) {
    writer_.Bool(v);
    return *this;
  }
  JsonOut& null() {
    writer_.Null();
    return *this;
  }
  JsonOut& begin_object() {
    writer_.StartObject();
    return *this;
  }
  JsonOut& end_object() {
    writer_.EndObject();
    return *this;
  }
  JsonOut& begin_array() {
    writer_.StartArray();
    return *this;
  }
  JsonOut& end_array() {
    writer_.EndArray();
    return *this;
  }
  std::string take() {
    std::string out(buffer_.GetString(), buffer_.GetSize());
    out += '\n';
    return out;
  }
  // The text of the value written so far (no newline).
  std::string_view view() { return {buffer_.GetString(), buffer_.GetSize()}; }
  // Starts over with nothing written, keeping the buffer's memory: streaming writers format
  // millions of array elements one value at a time.
  void restart() {
    buffer_.Clear();
    writer_.Reset(buffer_);
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// Streams the elements [0, n) of a JSON array (not its brackets) to `sink`: element(j, i)
// writes element i into j. The blocks (of `grain` elements, or as `blocks` cuts them) are
// formatted in parallel.
template <class Element>
void stream_json_elements(const TextBlocks& blocks, Element&& element, const TextSink& sink) {
  stream_blocks(
      blocks,
      [&](std::size_t lo, std::size_t hi, std::string& text) {
        JsonOut j;
        for (std::size_t i = lo; i < hi; ++i) {
          j.restart();
          element(j, i);
          if (i > 0) text += ',';
          text += j.view();
        }
      },
      sink);
}

template <class Element>
void stream_json_elements(std::size_t n, std::size_t grain, Element&& element,
                          const TextSink& sink) {
  stream_json_elements(TextBlocks(n, grain), std::forward<Element>(element), sink);
}

}  // namespace orgraph
