// The web app (web/, built by Vite), built into chibo-gateway so the binary
// serves them wherever it runs.
#ifndef CHIBO_SERVICES_GATEWAY_WEB_ASSETS_H_
#define CHIBO_SERVICES_GATEWAY_WEB_ASSETS_H_

#include <string>
#include <string_view>
#include <vector>

namespace chibo::gateway {

struct WebAsset {
  std::string path;  // "/index.html", "/app/index.html", "/assets/app-<hash>.js", ...
  std::string content_type;
  std::string_view content;
};

const std::vector<WebAsset>& WebAssets();

}  // namespace chibo::gateway

#endif  // CHIBO_SERVICES_GATEWAY_WEB_ASSETS_H_
