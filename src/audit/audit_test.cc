// Audit events' JSON and log form, and the sampler of free-to-cause events.
#include <gtest/gtest.h>

#include "audit/event.h"
#include "audit/sampler.h"

namespace authd {
namespace {

TEST(EventSampler, OnePerKeyPerPeriodWithBoundedMemory) {
  EventSampler sampler(60, 2);
  EXPECT_TRUE(sampler.Take("a", 100));
  EXPECT_FALSE(sampler.Take("a", 159));
  EXPECT_TRUE(sampler.Take("b", 100));
  EXPECT_TRUE(sampler.Take("a", 160));
  EXPECT_TRUE(sampler.Take("c", 161));   // a third key: the table starts over
  EXPECT_TRUE(sampler.Take("b", 162));   // forgotten, so recorded once more
  EXPECT_FALSE(sampler.Take("c", 163));
}

TEST(AuditEvent, JsonShowsDetailsAsAnObjectAndNullForNoSubject) {
  AuditEvent e{.id = 7, .time_us = 1'795'484'543'000'000, .type = "login.failed",
               .outcome = "failure", .actor = "anonymous", .client_address = "192.0.2.1",
               .details = R"({"reason":"throttled"})"};
  boost::json::object o = EventJson(e);
  EXPECT_EQ(o.at("id").as_int64(), 7);
  EXPECT_EQ(o.at("time").as_string(), "2026-11-24T01:42:23Z");
  EXPECT_TRUE(o.at("user_id").is_null());
  EXPECT_EQ(o.at("details").at("reason").as_string(), "throttled");
  e.details = "not json";  // never written so, but never a crash either
  EXPECT_TRUE(EventJson(e).at("details").as_object().empty());
  e.subject_user_id = 3;
  EXPECT_EQ(EventJson(e).at("user_id").as_int64(), 3);
}

}  // namespace
}  // namespace authd
