// extract/word_alignment.hpp: the one rule for which tokens belong to which word, for every
// tokenizer. Main entry points: join_words, align_tokens_to_words, gpt2_token_bytes,
// llama2c_token_bytes.
//
// The words of an item are joined into one text (one space between words), the text is tokenized
// whole, and each token's bytes are located in the text. Then:
//  * a token belongs to the word that holds its first byte that is not a separator space;
//  * a token made only of separator spaces (a standalone " " or SentencePiece "▁") belongs to the
//    word after it (the space is part of how the model writes that word);
//  * a token with no bytes (BOS, EOS, other special tokens) belongs to no word (-1).
// So word w's tokens are the contiguous run [first_token[w], end_token[w]), its surprisal is the
// sum of their surprisals, and the entropy "before the word" is the model's entropy at the
// position that predicts first_token[w]. A word all of whose bytes sit in a token that starts in
// an earlier word (a merge across the separator) has no token of its own: that is an error naming
// the word and the token, never a silent zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neuroscore::extract {

struct Gpt2Tokenizer;
struct Llama2cTokenizer;

// Bytes [begin, end) of a text.
struct ByteSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct TextOfWords {
  std::string text;             // the words joined by single spaces
  std::vector<ByteSpan> words;  // each word's bytes in `text`
};

// Joins words with one space. std::invalid_argument naming the word (0-based index) when a word is
// empty or contains whitespace (it would be two words to the tokenizer and to this rule).
TextOfWords join_words(const std::vector<std::string>& words);

struct WordAlignment {
  std::vector<std::int64_t> word_of_token;  // per token: its word, or -1 (BOS, EOS, specials)
  std::vector<std::int64_t> first_token;    // per word: its first token
  std::vector<std::int64_t> end_token;      // per word: one past its last token
  std::int64_t tokens_of(std::size_t word) const { return end_token[word] - first_token[word]; }
};

// `token_bytes[t]` is the text token t stands for ("" for BOS/EOS/specials). Their concatenation
// must equal `prefix` followed by `text.text`, where `prefix` is what the tokenizer adds in front
// (SentencePiece's and llama2.c's dummy-prefix space: " "); otherwise the tokenizer changed the
// text (a normalizer) and std::invalid_argument names the first token that does not match and the
// byte. Also std::invalid_argument when a word has no token of its own (see above).
WordAlignment align_tokens_to_words(const TextOfWords& text, const std::vector<std::string>& token_bytes,
                                    std::string_view prefix = "");

// The bytes each GPT-2 token id stands for (byte-level BPE: every token is bytes of the text).
std::vector<std::string> gpt2_token_bytes(const Gpt2Tokenizer& tokenizer, const std::vector<std::int32_t>& ids);

// The bytes each llama2.c token id stands for: BOS and EOS give "", <0xXX> pieces their byte, any
// other piece its bytes (the dummy-prefix space included: pass prefix " " to align_tokens_to_words
// when the text was encoded non-empty).
std::vector<std::string> llama2c_token_bytes(const Llama2cTokenizer& tokenizer, const std::vector<std::int32_t>& ids);

}  // namespace neuroscore::extract
