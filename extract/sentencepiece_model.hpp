// extract/sentencepiece_model.hpp: a SentencePiece `.model` file (a serialized ModelProto) read
// without libsentencepiece, as a llama2.c-style vocabulary encoded with run.c's merge loop. Main
// entry points: parse_sentencepiece_model, load_sentencepiece_model, encode_word.
//
// Why not libsentencepiece: Debian's libsentencepiece exports its own bundled protobuf 3.14, which
// interposes the protobuf 3.21 that libtorch loads; a process linking both aborts at start-up. The
// extract command therefore reads `.model` files here (extract/sentencepiece_tokenizer.hpp wraps
// the library for libtorch-free programs, and the tests cross-check the two).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/llama2c_tokenizer.hpp"

namespace neuroscore::extract {

struct SentencePieceModel {
  // Pieces with "\u2581" replaced by " " and their scores, as llama2.c's tokenizer.py exports a
  // SentencePiece model; control, unknown and unused pieces are kept in `pieces` but left out of
  // `ids`, so merges never produce them.
  Llama2cTokenizer vocabulary;
  int model_type = 1;  // TrainerSpec.ModelType: 1 UNIGRAM, 2 BPE, 3 WORD, 4 CHAR
  std::int32_t unk_id = 0, bos_id = 1, eos_id = 2, pad_id = -1;
  bool byte_fallback = false;
  bool add_dummy_prefix = true;
};

// Parses the protobuf wire format of ModelProto: pieces (field 1: piece 1, score 2, type 3),
// trainer_spec (field 2: model_type 3, byte_fallback 35, unk_id 40, bos_id 41, eos_id 42, pad_id 43)
// and normalizer_spec (field 3: add_dummy_prefix 3); other fields are skipped. std::runtime_error
// naming `source` on malformed input or a model without pieces.
SentencePieceModel parse_sentencepiece_model(std::string_view bytes, const std::string& source);
SentencePieceModel load_sentencepiece_model(const std::string& path);

// The ids of one word as SentencePiece's BPE encodes " word" in running text (the dummy prefix
// "\u2581" first, then merges of the highest-scoring adjacent pair, leftmost on ties: run.c's
// encode). No BOS/EOS. Throws std::invalid_argument for a non-BPE model (unigram needs Viterbi,
// not implemented) or a model without the dummy prefix, and std::runtime_error for a code point
// outside the vocabulary when the model has no byte fallback at ids 3..258.
std::vector<std::int32_t> encode_word(const SentencePieceModel& model, std::string_view word);

}  // namespace neuroscore::extract
