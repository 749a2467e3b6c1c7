// The ClientStore contract (store/client_store.h) on every backend.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace authd {
namespace {

using ClientStoreTest = StoreTest;

OAuthClient Client(std::string id, std::string secret_hash = "") {
  return OAuthClient{.client_id = std::move(id),
                     .secret_hash = std::move(secret_hash),
                     .name = "Wiki",
                     .redirect_uris = {"https://wiki.example/callback", "com.example.wiki:/cb?x=1&y=%22"},
                     .first_party = true,
                     .created_at = 100};
}

TEST_P(ClientStoreTest, ClientsAreAddedFoundListedAndRemovedWithTheirEvents) {
  ClientStore& clients = store_->clients();
  const std::vector<AuditEvent> added = {AuditEvent{.time_us = 1, .type = "client.added", .actor = "cli"}};
  ASSERT_TRUE(clients.Insert(Client("c1", "ab12"), added).ok());
  OAuthClient app = Client("c2");
  app.first_party = false;
  app.created_at = 200;
  ASSERT_TRUE(clients.Insert(app, {}).ok());
  EXPECT_EQ(clients.Insert(Client("c1"), added).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->audit().List({.type = "client.added"})->size(), 1u);  // not for the refused one

  auto found = clients.Find("c1");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->secret_hash, "ab12");
  EXPECT_FALSE(found->is_public());
  EXPECT_EQ(found->name, "Wiki");
  EXPECT_EQ(found->redirect_uris, Client("c1").redirect_uris);
  EXPECT_TRUE(found->first_party);
  EXPECT_EQ(found->created_at, 100);
  EXPECT_TRUE(clients.Find("c2")->is_public());
  EXPECT_FALSE(clients.Find("c2")->first_party);
  EXPECT_EQ(clients.Find("nope").status().code(), StatusCode::kNotFound);

  auto listed = clients.List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].client_id, "c1");
  EXPECT_EQ((*listed)[1].client_id, "c2");

  const std::vector<AuditEvent> removed = {AuditEvent{.time_us = 2, .type = "client.removed", .actor = "cli"}};
  EXPECT_TRUE(*clients.Delete("c1", removed));
  EXPECT_FALSE(*clients.Delete("c1", removed));
  EXPECT_EQ(store_->audit().List({.type = "client.removed"})->size(), 1u);
  EXPECT_EQ(clients.List()->size(), 1u);
}

AUTHD_FOR_EACH_BACKEND(ClientStoreTest);

}  // namespace
}  // namespace authd
