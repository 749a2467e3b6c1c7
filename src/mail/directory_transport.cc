#include "mail/directory_transport.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace authd {

Status DirectoryTransport::Send(std::string_view, std::string_view, std::string_view message) {
  const std::string name = fmt::format("{}-{}.eml", std::time(nullptr), random_.Hex(8));
  const std::string final_path = dir_ + "/" + name;
  const std::string temp_path = dir_ + "/." + name + ".tmp";
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Unavailable(fmt::format("cannot write to {}: {}", dir_, std::strerror(errno)));
  }
  size_t done = 0;
  while (done < message.size()) {
    const ssize_t n = ::write(fd, message.data() + done, message.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(temp_path.c_str());
      return Unavailable(fmt::format("cannot write to {}: {}", dir_, std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    ::unlink(temp_path.c_str());
    return Unavailable(fmt::format("cannot write to {}: {}", dir_, std::strerror(errno)));
  }
  return Status::Ok();
}

}  // namespace authd
