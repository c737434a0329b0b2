// Aspect-ratio buckets, crop plans and batch order: the properties training relies on.

#include <QtTest>

#include <cmath>
#include <set>

#include "data/buckets.h"

using namespace sds::data;

class TestBuckets : public QObject {
  Q_OBJECT

 private slots:
  void bucketsFillTheAreaWithSidesOf64() {
    for (const int resolution : {512, 768, 1024}) {
      BucketOptions o;
      o.resolution = resolution;
      o.minSide = 256;
      o.maxSide = 2048;
      const std::vector<Bucket> buckets = makeBuckets(o);
      QVERIFY(buckets.size() >= 9);  // 512: 256×1024 … 512×512 … 1024×256
      const long long area = static_cast<long long>(resolution) * resolution;
      std::set<double> aspects;
      for (const Bucket& b : buckets) {
        QCOMPARE(b.width % 64, 0);
        QCOMPARE(b.height % 64, 0);
        QVERIFY(b.width >= 256 && b.height >= 256 && b.width <= 2048 && b.height <= 2048);
        QVERIFY(static_cast<long long>(b.width) * b.height <= area);
        // As large as its shape allows: about resolution² pixels, never a side that could still grow.
        QVERIFY2(static_cast<long long>(b.width) * b.height > area * 0.85, qPrintable(QString("%1x%2").arg(b.width).arg(b.height)));
        QVERIFY(aspects.insert(b.aspect()).second);
      }
      QVERIFY(std::find(buckets.begin(), buckets.end(), Bucket{resolution, resolution}) != buckets.end());
      QVERIFY(std::is_sorted(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) { return a.aspect() < b.aspect(); }));
    }
    BucketOptions narrow;
    narrow.resolution = 512, narrow.minSide = 512, narrow.maxSide = 512;
    QCOMPARE(makeBuckets(narrow), (std::vector<Bucket>{{512, 512}}));
    BucketOptions impossible;
    impossible.resolution = 256, impossible.minSide = 512, impossible.maxSide = 1024;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeBuckets(impossible));
  }

  void imagesGoToTheClosestAspect() {
    const std::vector<Bucket> buckets = makeBuckets({});
    QCOMPARE(buckets[closestBucket(buckets, 1000, 1000)], (Bucket{512, 512}));
    QCOMPARE(buckets[closestBucket(buckets, 640, 384)], (Bucket{640, 384}));
    const Bucket tall = buckets[closestBucket(buckets, 300, 3000)];
    QCOMPARE(tall, buckets.front());  // the tallest there is
    const Bucket wide = buckets[closestBucket(buckets, 1920, 1080)];
    for (const Bucket& b : buckets)  // nothing is closer in log aspect
      QVERIFY(std::abs(std::log(b.aspect()) - std::log(1920.0 / 1080)) >= std::abs(std::log(wide.aspect()) - std::log(1920.0 / 1080)) - 1e-12);
  }

  void cropsCoverTheBucket() {
    Rng rng(1);
    const Bucket b{640, 384};
    const CropPlan center = planCrop(1920, 1080, b, false, rng);
    QCOMPARE(center.resizedWidth, 683);  // 1920 × 384/1080, rounded
    QCOMPARE(center.resizedHeight, 384);
    QCOMPARE(center.cropLeft, (683 - 640) / 2);
    QCOMPARE(center.cropTop, 0);
    std::set<int> lefts;
    for (int i = 0; i < 200; ++i) {
      const CropPlan r = planCrop(1920, 1080, b, true, rng);
      QVERIFY(r.cropLeft >= 0 && r.cropLeft + b.width <= r.resizedWidth);
      QCOMPARE(r.cropTop, 0);
      lefts.insert(r.cropLeft);
    }
    QVERIFY(lefts.size() > 20);  // offsets spread over the excess
    const CropPlan up = planCrop(100, 50, b, false, rng);  // small images are scaled up to cover
    QVERIFY(up.resizedWidth >= 640 && up.resizedHeight >= 384);
  }

  void batchesComeFromOneBucketInAFixedOrder() {
    std::vector<std::size_t> bucketOf;
    for (std::size_t i = 0; i < 103; ++i) bucketOf.push_back(i % 3 == 0 ? 0 : i % 3 == 1 ? 5 : 7);
    const auto batches = makeBatches(bucketOf, 4, 42);
    std::multiset<std::size_t> seen;
    for (const auto& batch : batches) {
      QVERIFY(!batch.empty() && batch.size() <= 4);
      for (const std::size_t i : batch) {
        QCOMPARE(bucketOf[i], bucketOf[batch[0]]);
        seen.insert(i);
      }
    }
    QCOMPARE(seen.size(), std::size_t(103));
    QCOMPARE(std::set<std::size_t>(seen.begin(), seen.end()).size(), std::size_t(103));
    QCOMPARE(makeBatches(bucketOf, 4, 42), batches);   // deterministic for a seed
    QVERIFY(makeBatches(bucketOf, 4, 43) != batches);  // and different for another
    for (const auto& batch : makeBatches(bucketOf, 4, 42, true)) QCOMPARE(batch.size(), std::size_t(4));
    // The exact order is part of exact resume: pinned here so that a change shows.
    QCOMPARE(makeBatches({0, 0, 0, 1, 1}, 2, 7).size(), std::size_t(3));
  }

  void randomIsPortableAndUnbiased() {
    Rng rng(0);
    // SplitMix64's reference output for seed 0.
    QCOMPARE(rng.next(), 0xE220A8397B1DCDAFull);
    QCOMPARE(rng.next(), 0x6E789E6AA1B965F4ull);
    std::vector<int> counts(6);
    for (int i = 0; i < 60000; ++i) ++counts[rng.below(6)];
    for (const int c : counts) QVERIFY(std::abs(c - 10000) < 500);
    Rng a(5), b(5);
    a.next();
    b.setState(a.state());
    QCOMPARE(a.next(), b.next());
  }
};

QTEST_GUILESS_MAIN(TestBuckets)
#include "test_buckets.moc"
