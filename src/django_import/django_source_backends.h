// The backends behind OpenDjangoSource; only django_source.cc picks between them.
#pragma once

#include "django_import/django_source.h"

namespace authd {

StatusOr<std::unique_ptr<DjangoSource>> OpenSqliteDjangoSource(const std::string& path);
StatusOr<std::unique_ptr<DjangoSource>> OpenPgDjangoSource(const std::string& url);

}  // namespace authd
