// Django's four default password validators, with their messages, in Django's order:
// similarity to user attributes, minimum length, common passwords, entirely numeric.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authd {

// What the similarity check compares against (Django's UserAttributeSimilarityValidator).
struct UserAttributes {
  std::string_view username;
  std::string_view first_name;
  std::string_view last_name;
  std::string_view email;
};

struct PasswordPolicyOptions {
  bool enabled = true;
  size_t min_length = 8;
  double max_similarity = 0.7;
};

class PasswordPolicy {
 public:
  explicit PasswordPolicy(PasswordPolicyOptions options) : options_(options) {}

  // Every message that applies, empty when the password is acceptable (or the policy is off).
  // REQUIRES: password is valid UTF-8.
  std::vector<std::string> Validate(std::string_view password, const UserAttributes& user) const;

  const PasswordPolicyOptions& options() const { return options_; }

 private:
  PasswordPolicyOptions options_;
};

// difflib.SequenceMatcher(a, b).quick_ratio(): an upper bound on similarity from the multiset
// of shared characters, which is what Django 3.2's validator compares.
double QuickRatio(const std::u32string& a, const std::u32string& b);

}  // namespace authd
