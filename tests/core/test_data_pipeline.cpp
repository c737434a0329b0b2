// From a folder of images to training batches: the epoch plan, the latent and text-embedding caches
// (reuse and invalidation) and the background batch loader.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>

#include "train/data/batch_loader.h"
#include "data/epoch_plan.h"
#include "data/image_reader.h"
#include "train/data/latent_cache.h"
#include "train/data/text_embedding_cache.h"
#include "data/training_image.h"
#include "train/data/training_pixels.h"
#include "embedded.h"
#include "image/png_writer.h"
#include "models/prompt_encoder.h"

using namespace sds;

namespace {

namespace fs = std::filesystem;

// A smooth image with a colour of its own, so every file has distinct content.
image::Rgb8Image gradient(int width, int height, int seed) {
  image::Rgb8Image img(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = img.at(x, y);
      p[0] = static_cast<std::uint8_t>((x * 255 / width + seed * 40) % 256);
      p[1] = static_cast<std::uint8_t>((y * 255 / height + seed * 90) % 256);
      p[2] = static_cast<std::uint8_t>(seed * 25 % 256);
    }
  return img;
}

void writeSample(const fs::path& folder, const std::string& name, int w, int h, int seed, const std::string& caption) {
  fs::create_directories(folder);
  image::writePng((folder / (name + ".png")).string(), gradient(w, h, seed));
  std::ofstream((folder / (name + ".txt")).string()) << caption;
}

models::AutoencoderKl smallVae() {
  torch::manual_seed(11);
  models::AutoencoderKlConfig c;
  c.blockOutChannels = {32, 32, 32, 32};
  c.layersPerBlock = 1;
  models::AutoencoderKl vae(c);
  vae->eval();
  return vae;
}

data::PlanOptions smallPlan() {
  data::PlanOptions o;
  o.buckets.resolution = 128;
  o.buckets.minSide = 64;
  o.buckets.maxSide = 256;
  o.batchSize = 2;
  o.flip = true;
  o.seed = 5;
  return o;
}

}  // namespace

class TestDataPipeline : public QObject {
  Q_OBJECT

  QTemporaryDir dir;
  fs::path root;
  data::Dataset dataset;

  void scan() {
    data::DatasetOptions options;
    options.path = root.string();
    dataset = data::scanDataset(options);
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir.isValid());
    root = fs::path(dir.path().toStdString()) / "images";
    writeSample(root, "wide", 300, 100, 1, "a wide red thing");
    writeSample(root, "tall", 100, 300, 2, "a tall green thing");
    writeSample(root, "square", 200, 200, 3, "a blue square");
    writeSample(root / "3_shapes", "circle", 160, 160, 4, "circle, round, small");
    scan();
    QCOMPARE(dataset.samples.size(), std::size_t(4));
    QCOMPARE(dataset.epochSize(), std::size_t(6));  // the 3_shapes concept repeats 3 times
  }

  void epochPlanIsDeterministicAndComplete() {
    const data::PlanOptions o = smallPlan();
    const auto plan = data::planEpoch(dataset, o, 0);
    std::multiset<std::size_t> samples;
    for (const auto& batch : plan) {
      QVERIFY(batch.size() <= 2);
      for (const auto& p : batch) {
        QCOMPARE(p.bucket, batch[0].bucket);
        QCOMPARE(p.bucket.width % 64, 0);
        QVERIFY(p.crop.cropLeft + p.bucket.width <= p.crop.resizedWidth);
        samples.insert(p.sample);
      }
    }
    QCOMPARE(samples.size(), std::size_t(6));
    const auto again = data::planEpoch(dataset, o, 0);
    QCOMPARE(again.size(), plan.size());
    for (std::size_t b = 0; b < plan.size(); ++b)
      for (std::size_t i = 0; i < plan[b].size(); ++i) {
        QCOMPARE(again[b][i].sample, plan[b][i].sample);
        QCOMPARE(again[b][i].flip, plan[b][i].flip);
        QCOMPARE(again[b][i].caption, plan[b][i].caption);
      }
    // The wide image trains wide, the tall one tall.
    for (const auto& batch : plan)
      for (const auto& p : batch) {
        const data::Sample& s = dataset.samples[p.sample];
        if (s.width > s.height) QVERIFY(p.bucket.width > p.bucket.height);
        if (s.width < s.height) QVERIFY(p.bucket.width < p.bucket.height);
      }
  }

  void latentsAreCachedReusedAndInvalidated() {
    models::AutoencoderKl vae = smallVae();
    const std::string cacheDir = (fs::path(dir.path().toStdString()) / "cache" / "latents").string();
    data::LatentCache cache(cacheDir, *vae);
    data::ImageReader reader;
    std::vector<data::LatentRequest> requests;
    for (const auto& batch : data::planEpoch(dataset, smallPlan(), 0))
      for (const auto& p : batch) {
        const data::Sample& s = dataset.samples[p.sample];
        requests.push_back({s.image, {s.contentHash, p.bucket, p.crop, p.flip}});
      }
    std::size_t lastDone = 0;
    data::LatentFillCallbacks callbacks;
    callbacks.progress = [&](std::size_t done, std::size_t) { lastDone = done; };
    const data::LatentFillStats first = cache.fill(requests, reader, 2, 2, callbacks);
    QVERIFY(first.encoded >= 4);
    QCOMPARE(first.reused, std::size_t(0));
    QCOMPARE(lastDone, first.encoded);

    // The cached mean is the VAE's mean of the prepared image.
    const data::LatentRequest& r = requests.front();
    const std::vector<std::uint8_t> bytes = reader.read(r.image);
    const data::TrainingImage image =
        data::prepareTrainingImage(bytes.data(), bytes.size(), "x", r.key.bucket, r.key.crop, r.key.flip);
    {
      torch::NoGradGuard noGrad;
      const auto direct = vae->encode(data::imageToTensor(image.pixels).unsqueeze(0));
      QVERIFY(torch::allclose(cache.load(r.key).mean, direct.mean[0], 1e-5, 1e-6));
    }

    // A second run reuses everything.
    const data::LatentFillStats second = cache.fill(requests, reader, 2, 2);
    QCOMPARE(second.encoded, std::size_t(0));
    QCOMPARE(second.reused, first.encoded);

    // A damaged entry is encoded again.
    fs::resize_file(cache.pathOf(r.key), 10);
    QCOMPARE(cache.fill(requests, reader, 2, 1).encoded, std::size_t(1));

    // Other VAE weights: another folder, nothing reused.
    {
      torch::NoGradGuard noGrad;
      vae->decoder->conv_out->bias.add_(1.0);  // the decoder too is part of the VAE's identity
    }
    data::LatentCache other(cacheDir, *vae);
    QVERIFY(other.directory() != cache.directory());
    QCOMPARE(other.fill(requests, reader, 4, 2).encoded, first.encoded);
  }

  void changedImagesAreEncodedAgain() {
    models::AutoencoderKl vae = smallVae();
    const std::string cacheDir = (fs::path(dir.path().toStdString()) / "cache2").string();
    data::LatentCache cache(cacheDir, *vae);
    data::ImageReader reader;
    data::PlanOptions o = smallPlan();
    o.flip = false;
    auto requestsFor = [&] {
      std::vector<data::LatentRequest> requests;
      for (const auto& batch : data::planEpoch(dataset, o, 0))
        for (const auto& p : batch) {
          const data::Sample& s = dataset.samples[p.sample];
          requests.push_back({s.image, {s.contentHash, p.bucket, p.crop, p.flip}});
        }
      return requests;
    };
    QCOMPARE(cache.fill(requestsFor(), reader, 2, 1).encoded, std::size_t(4));
    writeSample(root, "square", 200, 200, 7, "a blue square");  // new pixels, same name
    scan();
    const data::LatentFillStats after = cache.fill(requestsFor(), reader, 2, 1);
    QCOMPARE(after.encoded, std::size_t(1));
    QCOMPARE(after.reused, std::size_t(3));
  }

  void loaderDeliversBatchesInPlanOrder() {
    const auto plan = data::planEpoch(dataset, smallPlan(), 1);
    data::ImageReader reader;
    data::LoaderOptions options;
    options.workers = 3;
    options.prefetch = 2;
    data::BatchLoader loader(dataset, plan, reader, nullptr, options);
    QCOMPARE(loader.size(), plan.size());
    std::size_t index = 0;
    while (auto batch = loader.next()) {
      QCOMPARE(batch->entries.size(), plan[index].size());
      const data::PlannedSample& first = plan[index][0];
      QCOMPARE(batch->entries[0].sample, first.sample);
      QCOMPARE(batch->pixels.sizes().vec(),
               (std::vector<int64_t>{static_cast<int64_t>(plan[index].size()), 3, first.bucket.height, first.bucket.width}));
      QVERIFY(batch->pixels.min().item<float>() >= -1.0f && batch->pixels.max().item<float>() <= 1.0f);
      const data::Sample& s = dataset.samples[first.sample];
      const std::vector<float> ids(batch->timeIds[0].data_ptr<float>(), batch->timeIds[0].data_ptr<float>() + 6);
      QCOMPARE(ids, (std::vector<float>{float(s.height), float(s.width), float(first.crop.cropTop), float(first.crop.cropLeft),
                                        float(first.bucket.height), float(first.bucket.width)}));
      QCOMPARE(batch->captions[0], first.caption);
      ++index;
    }
    QCOMPARE(index, plan.size());
    QVERIFY(!loader.next());
  }

  void loaderReportsAVanishedFile() {
    const auto plan = data::planEpoch(dataset, smallPlan(), 2);
    const fs::path gone = root / "tall.png";
    const fs::path kept = root / "tall.keep";
    fs::rename(gone, kept);
    data::ImageReader reader;
    QString error;
    {
      data::BatchLoader loader(dataset, plan, reader, nullptr, {});
      try {
        while (loader.next()) {
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    fs::rename(kept, gone);
    QVERIFY2(error.contains("tall.png"), qPrintable(error));
    // Destroying a loader with batches still queued stops its threads cleanly.
    data::BatchLoader abandoned(dataset, plan, reader, nullptr, {});
    QVERIFY(abandoned.next());
  }

  void textEmbeddingsAreCachedPerTokenSequence() {
    torch::manual_seed(2);
    models::StableDiffusionModel model;
    models::ClipTextConfig c;
    c.hiddenSize = 32, c.intermediateSize = 64, c.numHiddenLayers = 2, c.numAttentionHeads = 4;
    model.textEncoder = models::ClipTextModel(c);
    model.textEncoder->eval();
    model.tokenizer.emplace(text::ClipTokenizer::fromData(resources::clipVocab(), resources::clipMerges(),
                                                          "<|endoftext|>", "built-in"));
    data::TextEmbeddingCache cache((fs::path(dir.path().toStdString()) / "text").string(), model);
    const std::vector<std::string> captions{"a red circle", "a blue square", "a red circle", "A RED   circle"};
    const data::TextFillStats first = cache.fill(captions, 2);
    QCOMPARE(first.encoded, std::size_t(2));  // the last one tokenizes like the first
    QCOMPARE(cache.fill(captions, 2).reused, std::size_t(2));
    torch::NoGradGuard noGrad;
    const auto direct = models::encodePrompts(model, {"a blue square"});
    QVERIFY(torch::allclose(cache.load("a blue square").hidden, direct.hidden[0]));
    QVERIFY_THROWS_EXCEPTION(std::exception, cache.load("never encoded"));
  }
};

QTEST_GUILESS_MAIN(TestDataPipeline)
#include "test_data_pipeline.moc"
