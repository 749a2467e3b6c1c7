// The OidcStore contract (store/oidc_store.h) on every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using OidcStoreTest = StoreWithUserTest;

OidcFlow Flow(std::string state_hash, int64_t expires_at = 1000) {
  return OidcFlow{.state_hash = std::move(state_hash), .provider = "corp", .nonce = "n-0S6",
                  .code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                  .browser_hash = "b1", .next = "/account/", .expires_at = expires_at};
}

TEST_P(OidcStoreTest, AFlowIsTakenOnceAndOnlyBeforeItExpires) {
  OidcStore& oidc = store_->oidc();
  OidcFlow linking = Flow("s1");
  linking.link_user_id = user_id_;
  ASSERT_TRUE(oidc.InsertFlow(linking).ok());
  ASSERT_TRUE(oidc.InsertFlow(Flow("s2", 500)).ok());
  EXPECT_EQ(oidc.InsertFlow(Flow("s1")).code(), StatusCode::kAlreadyExists);

  auto taken = oidc.TakeFlow("s1", 900);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->provider, "corp");
  EXPECT_EQ(taken->nonce, "n-0S6");
  EXPECT_EQ(taken->code_verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  EXPECT_EQ(taken->browser_hash, "b1");
  EXPECT_EQ(taken->next, "/account/");
  EXPECT_EQ(taken->link_user_id, user_id_);
  EXPECT_EQ(oidc.TakeFlow("s1", 900).status().code(), StatusCode::kNotFound);  // single use
  EXPECT_EQ(oidc.TakeFlow("s2", 500).status().code(), StatusCode::kNotFound);  // expired
  EXPECT_EQ(oidc.TakeFlow("s2", 400).status().code(), StatusCode::kNotFound);  // and gone
  ASSERT_TRUE(oidc.InsertFlow(Flow("s3", 100)).ok());
  ASSERT_TRUE(oidc.InsertFlow(Flow("s4", 300)).ok());
  EXPECT_EQ(*oidc.DeleteExpiredFlows(200), 1);
  EXPECT_TRUE(oidc.TakeFlow("s4", 250).ok());
}

TEST_P(OidcStoreTest, ConcurrentCallbacksWithOneStateHaveOneWinner) {
  OidcStore& oidc = store_->oidc();
  ASSERT_TRUE(oidc.InsertFlow(Flow("race")).ok());
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto f = oidc.TakeFlow("race", 10);
      (f.ok() ? won : lost)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 7);
}

TEST_P(OidcStoreTest, IdentitiesAreLinkedOncePerSubjectListedAndUnlinked) {
  OidcStore& oidc = store_->oidc();
  const OidcIdentity jane{.provider = "corp", .subject = "248289761001", .user_id = user_id_,
                          .email = "jane@corp.example", .created_at = 100};
  const std::vector<AuditEvent> events = {
      AuditEvent{.time_us = 100, .type = "oidc.identity_linked", .subject_user_id = user_id_}};
  auto id = oidc.Link(jane, events);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto other = jane;
  other.provider = "google";  // the same subject at another provider is another identity
  ASSERT_TRUE(oidc.Link(other, {}).ok());
  EXPECT_EQ(oidc.Link(jane, {}).status().code(), StatusCode::kAlreadyExists);

  auto found = oidc.FindIdentity("corp", "248289761001");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, *id);
  EXPECT_EQ(found->user_id, user_id_);
  EXPECT_EQ(found->email, "jane@corp.example");
  EXPECT_FALSE(found->last_used_at);
  EXPECT_EQ(oidc.FindIdentity("corp", "someone").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(oidc.Touch(*id, 200).ok());
  EXPECT_EQ(oidc.FindIdentity("corp", "248289761001")->last_used_at, 200);

  auto listed = oidc.List(user_id_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].provider, "corp");
  EXPECT_EQ((*listed)[1].provider, "google");
  EXPECT_EQ(store_->audit().List({.type = "oidc.identity_linked"})->size(), 1u);

  EXPECT_FALSE(*oidc.Unlink(user_id_ + 1, *id, {}));  // not that user's
  EXPECT_TRUE(*oidc.Unlink(user_id_, *id, {}));
  EXPECT_FALSE(*oidc.Unlink(user_id_, *id, {}));
  EXPECT_EQ(oidc.List(user_id_)->size(), 1u);
  // Identities go with their user.
  ASSERT_TRUE(store_->users().Delete(user_id_).ok());
  EXPECT_EQ(oidc.FindIdentity("google", "248289761001").status().code(), StatusCode::kNotFound);
}

TEST_P(OidcStoreTest, ACodeIsTakenOnceAndOnlyBeforeItExpiresAndGoesWithItsUser) {
  OidcStore& oidc = store_->oidc();
  const OidcCode code{.code_hash = "c1", .user_id = user_id_, .provider = "corp",
                      .browser_hash = "b1", .expires_at = 160};
  ASSERT_TRUE(oidc.InsertCode(code).ok());
  EXPECT_EQ(oidc.InsertCode(code).code(), StatusCode::kAlreadyExists);
  auto taken = oidc.TakeCode("c1", 159);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->user_id, user_id_);
  EXPECT_EQ(taken->provider, "corp");
  EXPECT_EQ(taken->browser_hash, "b1");
  EXPECT_EQ(oidc.TakeCode("c1", 159).status().code(), StatusCode::kNotFound);  // single use

  ASSERT_TRUE(oidc.InsertCode({.code_hash = "c2", .user_id = user_id_, .provider = "corp",
                               .expires_at = 100}).ok());
  EXPECT_EQ(oidc.TakeCode("c2", 100).status().code(), StatusCode::kNotFound);  // expired
  ASSERT_TRUE(oidc.InsertCode({.code_hash = "c3", .user_id = user_id_, .provider = "corp",
                               .expires_at = 100}).ok());
  ASSERT_TRUE(oidc.InsertCode({.code_hash = "c4", .user_id = user_id_, .provider = "corp",
                               .expires_at = 300}).ok());
  ASSERT_TRUE(oidc.InsertFlow(Flow("s", 100)).ok());
  EXPECT_EQ(*oidc.DeleteExpiredFlows(200), 2);  // a flow and a code
  ASSERT_TRUE(store_->users().Delete(user_id_).ok());
  EXPECT_EQ(oidc.TakeCode("c4", 200).status().code(), StatusCode::kNotFound);
}

TEST_P(OidcStoreTest, AUserASignInCreatesComesWithItsIdentityOrNotAtAll) {
  NewUser bob{.username = "bob", .password_hash = "!unusable", .email = "bob@corp.example",
              .email_verified = true, .date_joined_us = 5};
  Effects effects{.events = {AuditEvent{.time_us = 5, .type = "user.registered"}},
                  .identity = OidcIdentity{.provider = "corp", .subject = "s-bob",
                                           .email = "bob@corp.example", .created_at = 5}};
  auto created = store_->users().Create(bob, effects);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->email_verified);
  auto found = store_->oidc().FindIdentity("corp", "s-bob");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->user_id, created->id);

  // The identity is someone's already: no user either.
  bob.username = "bob2";
  EXPECT_EQ(store_->users().Create(bob, effects).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->users().FindByUsername("bob2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->audit().List({.type = "user.registered"})->size(), 1u);
}

AUTHD_FOR_EACH_BACKEND(OidcStoreTest);

}  // namespace
}  // namespace authd
