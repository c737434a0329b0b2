#include "models/io/ldm_names.h"

#include <stdexcept>
#include <utility>
#include <vector>

namespace sds::models::ldm {
namespace {

// "a.b.c" → {"a", "b", "c"}
std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t dot; (dot = name.find('.', begin)) != std::string::npos; begin = dot + 1)
    parts.push_back(name.substr(begin, dot - begin));
  parts.push_back(name.substr(begin));
  return parts;
}

// parts[from..] joined with dots.
std::string joinFrom(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : ".") + parts[i];
  return out;
}

std::size_t index(const std::string& part, const std::string& name) {
  if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("\"" + name + "\" is not a Stable Diffusion parameter name");
  return std::stoul(part);
}

// Maps the first part of `rest` through `table`; the remainder (weight/bias) is kept.
std::string renameHead(const std::vector<std::string>& parts, std::size_t from,
                       const std::vector<std::pair<const char*, const char*>>& table, const std::string& name) {
  if (from < parts.size())
    for (const auto& [diffusers, original] : table)
      if (parts[from] == diffusers) return std::string(original) + "." + joinFrom(parts, from + 1);
  throw std::invalid_argument("\"" + name + "\" is not a Stable Diffusion parameter name");
}

// A UNet resnet's inner names: ResBlock's Sequential indices in the LDM layout.
std::string unetResnet(const std::vector<std::string>& parts, std::size_t from, const std::string& name) {
  return renameHead(parts, from,
                    {{"norm1", "in_layers.0"}, {"conv1", "in_layers.2"}, {"time_emb_proj", "emb_layers.1"},
                     {"norm2", "out_layers.0"}, {"conv2", "out_layers.3"}, {"conv_shortcut", "skip_connection"}},
                    name);
}

}  // namespace

std::string unetName(const std::string& name, const UNetConfig& config) {
  const std::vector<std::string> p = split(name);
  const std::size_t perLevel = static_cast<std::size_t>(config.layersPerBlock) + 1;  // resnets + resampler
  const std::string leaf = joinFrom(p, 1);
  if (p[0] == "conv_in") return "input_blocks.0.0." + leaf;
  if (p[0] == "conv_norm_out") return "out.0." + leaf;
  if (p[0] == "conv_out") return "out.2." + leaf;
  if (p[0] == "time_embedding") return renameHead(p, 1, {{"linear_1", "time_embed.0"}, {"linear_2", "time_embed.2"}}, name);
  if (p[0] == "add_embedding")
    return renameHead(p, 1, {{"linear_1", "label_emb.0.0"}, {"linear_2", "label_emb.0.2"}}, name);
  if (p.size() >= 5 && p[0] == "mid_block") {
    const std::size_t i = index(p[2], name);
    if (p[1] == "resnets" && i <= 1) return "middle_block." + std::to_string(2 * i) + "." + unetResnet(p, 3, name);
    if (p[1] == "attentions" && i == 0) return "middle_block.1." + joinFrom(p, 3);
  }
  if (p.size() >= 5 && p[0] == "down_blocks") {
    const std::size_t level = index(p[1], name), layer = index(p[3], name);
    const std::string block = "input_blocks." + std::to_string(1 + level * perLevel + layer);
    if (p[2] == "resnets") return block + ".0." + unetResnet(p, 4, name);
    if (p[2] == "attentions") return block + ".1." + joinFrom(p, 4);
    if (p[2] == "downsamplers" && layer == 0 && p[4] == "conv")
      return "input_blocks." + std::to_string(1 + level * perLevel + perLevel - 1) + ".0.op." + joinFrom(p, 5);
  }
  if (p.size() >= 5 && p[0] == "up_blocks") {
    const std::size_t level = index(p[1], name), layer = index(p[3], name);
    const std::string block = "output_blocks." + std::to_string(level * perLevel + layer);
    if (p[2] == "resnets") return block + ".0." + unetResnet(p, 4, name);
    if (p[2] == "attentions") return block + ".1." + joinFrom(p, 4);
    if (p[2] == "upsamplers" && layer == 0 && p[4] == "conv" && level < config.upBlockTypes.size()) {
      // The upsampler follows the last resnet (and its attention, when the block has one).
      const bool attention = config.upBlockTypes[level] == "CrossAttnUpBlock2D";
      return "output_blocks." + std::to_string(level * perLevel + perLevel - 1) + (attention ? ".2." : ".1.") +
             joinFrom(p, 4);
    }
  }
  throw std::invalid_argument("\"" + name + "\" is not a parameter of a Stable Diffusion UNet");
}

std::string vaeName(const std::string& name, const AutoencoderKlConfig& config) {
  const std::vector<std::string> p = split(name);
  if (p[0] == "quant_conv" || p[0] == "post_quant_conv") return name;
  if (p.size() < 3 || (p[0] != "encoder" && p[0] != "decoder"))
    throw std::invalid_argument("\"" + name + "\" is not a parameter of a Stable Diffusion VAE");
  const std::string& coder = p[0];
  if (p[1] == "conv_in" || p[1] == "conv_out") return name;
  if (p[1] == "conv_norm_out") return coder + ".norm_out." + joinFrom(p, 2);
  const auto resnet = [&](std::size_t from) {
    return from < p.size() && p[from] == "conv_shortcut" ? "nin_shortcut." + joinFrom(p, from + 1) : joinFrom(p, from);
  };
  if (p.size() >= 5 && p[1] == "mid_block") {
    const std::size_t i = index(p[3], name);
    if (p[2] == "resnets" && i <= 1) return coder + ".mid.block_" + std::to_string(i + 1) + "." + resnet(4);
    if (p[2] == "attentions" && i == 0) {
      // to_out is a Sequential in diffusers (to_out.0), a plain convolution in the LDM layout.
      const std::string inner = p[4] == "to_out" && p.size() >= 7 && p[5] == "0"
                                    ? "proj_out." + joinFrom(p, 6)
                                    : renameHead(p, 4, {{"group_norm", "norm"}, {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"}}, name);
      return coder + ".mid.attn_1." + inner;
    }
  }
  if (p.size() >= 6 && (p[1] == "down_blocks" || p[1] == "up_blocks")) {
    std::size_t level = index(p[2], name);
    const std::size_t levels = config.blockOutChannels.size();
    if (level >= levels) throw std::invalid_argument("\"" + name + "\" names a level the VAE does not have");
    // The LDM decoder numbers its levels by resolution, highest first, the reverse of diffusers' order.
    if (p[1] == "up_blocks") level = levels - 1 - level;
    const std::string block = coder + (p[1] == "down_blocks" ? ".down." : ".up.") + std::to_string(level);
    if (p[3] == "resnets") return block + ".block." + p[4] + "." + resnet(5);
    if ((p[3] == "downsamplers" || p[3] == "upsamplers") && p[4] == "0" && p[5] == "conv")
      return block + (p[3] == "downsamplers" ? ".downsample." : ".upsample.") + joinFrom(p, 5);
  }
  throw std::invalid_argument("\"" + name + "\" is not a parameter of a Stable Diffusion VAE");
}

OpenClipLocation openClipName(const std::string& name) {
  const std::vector<std::string> p = split(name);
  if (name == "embeddings.token_embedding.weight") return {"token_embedding.weight"};
  if (name == "embeddings.position_embedding.weight") return {"positional_embedding"};
  if (name == "text_projection.weight") return {"text_projection", -1, true};
  if (p[0] == "final_layer_norm") return {"ln_final." + joinFrom(p, 1)};
  if (p.size() >= 5 && p[0] == "encoder" && p[1] == "layers") {
    const std::string block = "transformer.resblocks." + std::to_string(index(p[2], name)) + ".";
    if (p[3] == "layer_norm1") return {block + "ln_1." + joinFrom(p, 4)};
    if (p[3] == "layer_norm2") return {block + "ln_2." + joinFrom(p, 4)};
    if (p[3] == "mlp") return {block + renameHead(p, 4, {{"fc1", "mlp.c_fc"}, {"fc2", "mlp.c_proj"}}, name)};
    if (p[3] == "self_attn" && p.size() == 6) {
      if (p[4] == "out_proj") return {block + "attn.out_proj." + p[5]};
      const std::vector<std::string> qkv{"q_proj", "k_proj", "v_proj"};
      for (int part = 0; part < 3; ++part)
        if (p[4] == qkv[part]) return {block + "attn.in_proj_" + p[5], part};
    }
  }
  throw std::invalid_argument("\"" + name + "\" is not a parameter of a CLIP text encoder");
}

}  // namespace sds::models::ldm
