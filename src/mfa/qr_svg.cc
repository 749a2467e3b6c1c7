#include "mfa/qr_svg.h"

#include <qrencode.h>

#include <memory>
#include <string>

namespace authd {

std::string QrSvg(std::string_view text) {
  const std::string z(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(z.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) return "";
  const int size = qr->width;
  const int margin = 4;  // the quiet zone the standard asks for
  const int total = size + 2 * margin;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(total) + " " + std::to_string(total) +
                    "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                    "fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      if (qr->data[y * size + x] & 1) {
        svg += "M" + std::to_string(x + margin) + " " + std::to_string(y + margin) + "h1v1h-1z";
      }
    }
  }
  svg += "\"/></svg>";
  return svg;
}

}  // namespace authd
