// The MailStore contract (store/mail_store.h) and the UserStore writes that carry mail, on
// every backend.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using MailStoreTest = StoreWithUserTest;

OutboxMessage Mail(std::string kind, int64_t at) {
  return OutboxMessage{.kind = std::move(kind), .recipient = "a@example.com", .created_at = at};
}

TEST_P(MailStoreTest, AClaimedMessageIsLeasedToOneClaimerUntilTheLeaseLapses) {
  MailStore& mail = store_->mail();
  ASSERT_TRUE(mail.Enqueue(Mail("test", 100)).ok());
  ASSERT_TRUE(mail.Enqueue(Mail("test", 200)).ok());
  auto first = mail.Claim(/*now=*/1000, /*lease_until=*/5000, 10);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_LT((*first)[0].id, (*first)[1].id);
  EXPECT_EQ((*first)[0].attempts, 1);
  EXPECT_EQ((*first)[0].kind, "test");
  EXPECT_EQ((*first)[0].recipient, "a@example.com");
  EXPECT_EQ((*first)[0].data, "{}");
  EXPECT_TRUE(mail.Claim(4999, 9000, 10)->empty());  // leased
  auto again = mail.Claim(5000, 9000, 1);            // lapsed: the claimer died
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, (*first)[0].id);
  EXPECT_EQ((*again)[0].attempts, 2);
  EXPECT_EQ(*mail.Pending(), 2);
  ASSERT_TRUE(mail.Delivered((*again)[0].id).ok());
  EXPECT_EQ(*mail.Pending(), 1);
}

TEST_P(MailStoreTest, RetriesWaitTheirTurnAndFailuresAreNeverClaimed) {
  MailStore& mail = store_->mail();
  ASSERT_TRUE(mail.Enqueue(Mail("a", 1)).ok());
  ASSERT_TRUE(mail.Enqueue(Mail("b", 2)).ok());
  auto claimed = mail.Claim(10, 100, 10);
  ASSERT_EQ(claimed->size(), 2u);
  ASSERT_TRUE(mail.Retry((*claimed)[0].id, 50, "421 try later").ok());
  ASSERT_TRUE(mail.Fail((*claimed)[1].id, "550 no such mailbox", 10).ok());
  EXPECT_TRUE(mail.Claim(49, 100, 10)->empty());
  auto retried = mail.Claim(50, 100, 10);
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].kind, "a");
  EXPECT_EQ(*mail.Pending(), 1);  // the failed one is kept, not pending
}

TEST_P(MailStoreTest, ConcurrentClaimersNeverShareAMessage) {
  MailStore& mail = store_->mail();
  constexpr int kMessages = 60;
  for (int i = 0; i < kMessages; ++i) ASSERT_TRUE(mail.Enqueue(Mail("m", i)).ok());
  std::vector<std::vector<int64_t>> got(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        auto batch = mail.Claim(1000, 1'000'000, 4);
        if (!batch.ok()) continue;  // a busy SQLite writer: try again
        if (batch->empty()) return;
        for (const auto& m : *batch) got[t].push_back(m.id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (const auto& g : got) {
    total += g.size();
    all.insert(g.begin(), g.end());
  }
  EXPECT_EQ(total, size_t{kMessages});
  EXPECT_EQ(all.size(), size_t{kMessages});
}

TEST_P(MailStoreTest, TokensAreFoundUntilTheyExpireAndSpentOnce) {
  MailStore& mail = store_->mail();
  const OneTimeToken t{.hash = "h1", .purpose = std::string(kPasswordResetPurpose),
                       .user_id = user_id_, .email = "a@example.com", .created_at = 10,
                       .expires_at = 100};
  ASSERT_TRUE(mail.InsertToken(t).ok());
  EXPECT_EQ(mail.InsertToken(t).code(), StatusCode::kAlreadyExists);
  auto found = mail.FindToken("h1", kPasswordResetPurpose, 99);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->user_id, user_id_);
  EXPECT_EQ(found->email, "a@example.com");
  EXPECT_EQ(mail.FindToken("h1", kPasswordResetPurpose, 100).status().code(),
            StatusCode::kNotFound);  // expired
  EXPECT_EQ(mail.FindToken("h1", kVerifyEmailPurpose, 50).status().code(),
            StatusCode::kNotFound);  // another purpose
  UserUpdate spend{.first_name = std::string("Alfred"), .spend_token = std::string("h1")};
  ASSERT_TRUE(store_->users().Update(user_id_, spend).ok());
  EXPECT_EQ(store_->users().FindById(user_id_)->first_name, "Alfred");
  spend.first_name = "Again";
  EXPECT_EQ(store_->users().Update(user_id_, spend).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->users().FindById(user_id_)->first_name, "Alfred");  // nothing changed
}

TEST_P(MailStoreTest, ResetTokensDieWhenThePasswordOrTheEmailChangesByAnyRoute) {
  MailStore& mail = store_->mail();
  auto issue = [&](const std::string& hash, std::string_view purpose) {
    ASSERT_TRUE(mail.InsertToken({.hash = hash, .purpose = std::string(purpose),
                                  .user_id = user_id_, .email = "a@example.com",
                                  .created_at = 1, .expires_at = 1000})
                    .ok());
  };
  auto alive = [&](const std::string& hash, std::string_view purpose) {
    return mail.FindToken(hash, purpose, 2).ok();
  };
  issue("r1", kPasswordResetPurpose);
  issue("v1", kVerifyEmailPurpose);
  ASSERT_TRUE(store_->users().Update(user_id_, {.first_name = std::string("X")}).ok());
  EXPECT_TRUE(alive("r1", kPasswordResetPurpose));  // a name is neither
  ASSERT_TRUE(store_->users().SetPasswordHash(user_id_, "new-hash").ok());
  EXPECT_FALSE(alive("r1", kPasswordResetPurpose));
  EXPECT_TRUE(alive("v1", kVerifyEmailPurpose));
  issue("r2", kPasswordResetPurpose);
  ASSERT_TRUE(Sql("UPDATE users SET email = 'new@example.com'"));  // an operator's SQL
  EXPECT_FALSE(alive("r2", kPasswordResetPurpose));
}

TEST_P(MailStoreTest, MailCommitsWithTheUserItConcerns) {
  auto bob = store_->users().Create(
      NewUser{.username = "bob", .password_hash = "h", .email = "b@example.com"},
      Effects{.mail = {OutboxMessage{.kind = "verify_email", .recipient = "b@example.com", .created_at = 5}}});
  ASSERT_TRUE(bob.ok());
  EXPECT_FALSE(bob->email_verified);
  auto claimed = store_->mail().Claim(10, 20, 10);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].user_id, bob->id);
  // A refused creation queues nothing.
  auto dup = store_->users().Create(
      NewUser{.username = "bob", .password_hash = "h"},
      Effects{.mail = {OutboxMessage{.kind = "verify_email", .recipient = "x@example.com", .created_at = 5}}});
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*store_->mail().Pending(), 1);
  // An update's mail too.
  auto changed = store_->users().Update(
      bob->id, {.email_verified = true,
                .mail = {OutboxMessage{.kind = "n", .user_id = bob->id, .created_at = 6}}});
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->email_verified);
  EXPECT_TRUE(store_->users().FindById(bob->id)->email_verified);
  EXPECT_EQ(*store_->mail().Pending(), 2);
}

TEST_P(MailStoreTest, FindsUsersByEmailIgnoringCase) {
  ASSERT_TRUE(store_->users().Create(NewUser{.username = "a2", .password_hash = "h",
                                             .email = "A@Example.COM"}).ok());
  ASSERT_TRUE(store_->users().Create(NewUser{.username = "none", .password_hash = "h"}).ok());
  auto found = store_->users().FindByEmail("a@EXAMPLE.com");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].username, "alice");
  EXPECT_EQ((*found)[1].username, "a2");
  EXPECT_TRUE(store_->users().FindByEmail("")->empty());
}

TEST_P(MailStoreTest, NamesVerifiedAddressesThatSeveralAccountsShare) {
  auto make = [&](const char* name, const char* email, bool verified) {
    auto u = store_->users().Create(NewUser{.username = name, .password_hash = "h", .email = email});
    ASSERT_TRUE(u.ok());
    ASSERT_TRUE(store_->users().Update(u->id, {.email_verified = verified}).ok());
  };
  make("b1", "b@example.com", true);
  make("b2", "B@example.com", true);
  make("c1", "c@example.com", true);
  make("c2", "c@example.com", false);  // unverified: no clash
  auto shared = store_->users().SharedVerifiedEmails(10);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  EXPECT_EQ(*shared, std::vector<std::string>{"b@example.com: b1, b2"});
}

AUTHD_FOR_EACH_BACKEND(MailStoreTest);

}  // namespace
}  // namespace authd
