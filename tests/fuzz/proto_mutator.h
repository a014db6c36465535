// A small structure-aware mutator for protobuf messages (Debian 12 has no
// libprotobuf-mutator): one random change somewhere in a message tree,
// through reflection — a scalar set to an edge value, a string replaced by a
// dictionary word (ids, dates, times, rules, periods), cut, grown past its
// limit or made invalid UTF-8, a repeated field grown, shrunk or flooded, a
// nested message created or cleared.
#ifndef CHIBO_TESTS_FUZZ_PROTO_MUTATOR_H_
#define CHIBO_TESTS_FUZZ_PROTO_MUTATOR_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "google/protobuf/message.h"

namespace chibo::fuzz {

class ProtoMutator {
 public:
  // `words` are strings worth trying in any string field (known ids, ...).
  ProtoMutator(uint32_t seed, const std::vector<std::string>* words) : rng_(seed), words_(words) {}

  void Mutate(google::protobuf::Message* message);

 private:
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool OneIn(int n) { return Below(n) == 0; }
  std::string AString(const google::protobuf::FieldDescriptor& field, const std::string& now);
  int64_t AnInteger(const google::protobuf::FieldDescriptor& field, int64_t now);
  void MutateField(google::protobuf::Message* m, const google::protobuf::FieldDescriptor& f);
  void SetRandom(google::protobuf::Message* m, const google::protobuf::FieldDescriptor& f);
  void AddRandom(google::protobuf::Message* m, const google::protobuf::FieldDescriptor& f);

  std::mt19937 rng_;
  const std::vector<std::string>* words_;
};

}  // namespace chibo::fuzz

#endif  // CHIBO_TESTS_FUZZ_PROTO_MUTATOR_H_
