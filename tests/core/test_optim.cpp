// Optimizer pieces of the trainer: learning-rate schedules against diffusers' formulas, AdamW against
// torch.optim.AdamW, float32 master weights, 8-bit moments tracking AdamW, EMA arithmetic, and state
// round trips that continue bit for bit.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "runtime/precision.h"
#include "train/adamw.h"
#include "train/ema.h"
#include "train/lr_schedule.h"

using namespace sds::train;

namespace {

LrSchedule schedule(const std::string& type, int warmup = 10, int total = 110) {
  LrScheduleOptions o;
  o.type = type;
  o.learningRate = 1.0;
  o.warmupSteps = warmup;
  o.totalSteps = total;
  o.cycles = 2;
  o.power = 2.0;
  o.endLearningRate = 0.1;
  return LrSchedule(o);
}

// A small least-squares problem: loss = |W x - y|² over fixed data.
struct Problem {
  at::Tensor x, y;
  explicit Problem(c10::ScalarType dtype = torch::kFloat64) {
    torch::manual_seed(4);
    x = torch::randn({64, 16}, dtype);
    y = torch::randn({64, 8}, dtype);
  }
  at::Tensor loss(const at::Tensor& w) const { return (torch::matmul(x.to(w.scalar_type()), w) - y.to(w.scalar_type())).pow(2).mean(); }
};

at::Tensor initialWeights(c10::ScalarType dtype = torch::kFloat64) {
  torch::manual_seed(9);
  return torch::randn({16, 8}, dtype).requires_grad_(true);
}

void runSteps(AdamW& optimizer, const at::Tensor& w, const Problem& problem, int steps, double lr = 1e-2) {
  for (int i = 0; i < steps; ++i) {
    optimizer.zeroGrad();
    problem.loss(w).backward();
    optimizer.step(lr);
  }
}

}  // namespace

class TestOptim : public QObject {
  Q_OBJECT

 private slots:
  void learningRateSchedules() {
    QCOMPARE(schedule("constant").at(0), 1.0);
    QCOMPARE(schedule("constant_with_warmup").at(5), 0.5);
    QCOMPARE(schedule("constant_with_warmup").at(500), 1.0);
    QCOMPARE(schedule("linear").at(0), 0.0);
    QCOMPARE(schedule("linear").at(10), 1.0);
    QCOMPARE(schedule("linear").at(60), 0.5);
    QCOMPARE(schedule("linear").at(200), 0.0);
    QCOMPARE(schedule("cosine").at(10), 1.0);
    QVERIFY(std::abs(schedule("cosine").at(60) - 0.5) < 1e-12);
    QVERIFY(std::abs(schedule("cosine").at(110)) < 1e-12);
    // Two hard restarts: back to the peak half way.
    QVERIFY(std::abs(schedule("cosine_with_restarts").at(35) - 0.5) < 1e-12);
    QVERIFY(std::abs(schedule("cosine_with_restarts").at(60) - 1.0) < 1e-12);
    QCOMPARE(schedule("cosine_with_restarts").at(110), 0.0);
    // Polynomial of power 2 from 1 to 0.1: (1 - 0.1)·(1 - ½)² + 0.1 half way.
    QVERIFY(std::abs(schedule("polynomial").at(60) - (0.9 * 0.25 + 0.1)) < 1e-12);
    QCOMPARE(schedule("polynomial").at(1000), 0.1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, schedule("exponential"));
  }

  void adamwMatchesTorch() {
    const Problem problem;
    at::Tensor ours = initialWeights();
    at::Tensor theirs = initialWeights();
    AdamW optimizer({{"w", ours}}, {});
    torch::optim::AdamW reference({theirs}, torch::optim::AdamWOptions(1e-2).betas({0.9, 0.999}).eps(1e-8).weight_decay(1e-2));
    for (int i = 0; i < 20; ++i) {
      optimizer.zeroGrad();
      problem.loss(ours).backward();
      optimizer.step(1e-2);
      reference.zero_grad();
      problem.loss(theirs).backward();
      reference.step();
    }
    const double difference = (ours - theirs).abs().max().item<double>();
    QVERIFY2(difference < 1e-13, qPrintable(QString::number(difference)));
    QCOMPARE(optimizer.steps(), std::int64_t(20));
  }

  void masterWeightsKeepSmallUpdates() {
    if (!sds::runtime::cpuSupports(torch::kBFloat16))
      QSKIP("this CPU has no bfloat16 kernels in LibTorch (oneDNN needs AVX-512 for them)");
    const Problem problem(torch::kFloat32);
    at::Tensor low = initialWeights(torch::kFloat32).detach().to(torch::kBFloat16).requires_grad_(true);
    at::Tensor full = low.detach().to(torch::kFloat32).requires_grad_(true);
    AdamW lowOptimizer({{"w", low}}, {}), fullOptimizer({{"w", full}}, {});
    // Updates of 1e-4 vanish in bf16 (8 bits of mantissa) without float32 masters.
    for (int i = 0; i < 50; ++i) {
      lowOptimizer.zeroGrad();
      problem.loss(low).backward();
      lowOptimizer.step(1e-4);
      fullOptimizer.zeroGrad();
      problem.loss(full).backward();
      fullOptimizer.step(1e-4);
    }
    QCOMPARE(low.scalar_type(), torch::kBFloat16);
    const at::Tensor master = lowOptimizer.state().at("w.master");
    QVERIFY(torch::equal(low, master.to(torch::kBFloat16)));
    // The master tracks a float32 run closely (gradients differ only by the bf16 forward pass).
    QVERIFY((master - full).abs().max().item<float>() < 2e-4);
    QVERIFY((master - initialWeights(torch::kFloat32)).abs().max().item<float>() > 4e-3);
  }

  void eightBitTracksAdamW() {
    const Problem problem;
    at::Tensor a = initialWeights(), b = initialWeights();
    AdamWOptions eight;
    eight.eightBit = true;
    AdamW exact({{"w", a}}, {}), quantized({{"w", b}}, eight);
    const double start = problem.loss(a).item<double>();
    runSteps(exact, a, problem, 200);
    runSteps(quantized, b, problem, 200);
    const double exactLoss = problem.loss(a).item<double>(), quantizedLoss = problem.loss(b).item<double>();
    QVERIFY(exactLoss < start * 0.5);
    QVERIFY2(std::abs(quantizedLoss - exactLoss) < 0.02 * exactLoss,
             qPrintable(QString("%1 vs %2").arg(quantizedLoss).arg(exactLoss)));
    // The weights moved the same way: their difference is small against how far they moved.
    const double relative = ((a - b).norm() / (a - initialWeights()).norm()).item<double>();
    QVERIFY2(relative < 0.05, qPrintable(QString::number(relative)));
  }

  void eightBitUsesAQuarterOfTheMemory() {
    at::Tensor big = torch::zeros({1 << 20}, torch::kFloat32).requires_grad_(true);
    AdamWOptions eight;
    eight.eightBit = true;
    const std::size_t full = AdamW({{"w", big}}, {}).stateBytes();
    const std::size_t small = AdamW({{"w", big}}, eight).stateBytes();
    QCOMPARE(full, std::size_t(8) << 20);
    QVERIFY(small < full / 4 + full / 100);  // codes plus one scale per 2048 values
  }

  void quantizationRoundTrip() {
    torch::manual_seed(1);
    const at::Tensor values = torch::randn({5000}) * torch::logspace(-8, 0, 5000);
    QuantizedMoment q = QuantizedMoment::zeros(5000, true, torch::kCPU);
    q.encode(values);
    const at::Tensor back = q.decode(5000);
    QCOMPARE(back.numel(), std::int64_t(5000));
    // Code k of 127 stands for (k/127)⁴ of the block maximum: half a code is a relative error of 2/k,
    // about 1.6% near the maximum and 5% at a hundredth of it. Signs are kept.
    const at::Tensor relative = (back - values).abs() / values.abs();
    const at::Tensor large = values.abs() > values.abs().max() * 0.01;
    const at::Tensor top = values.abs() > values.abs().max() * 0.5;
    QVERIFY(relative.masked_select(large).max().item<float>() < 0.06);
    QVERIFY(relative.masked_select(top).max().item<float>() < 0.02);
    QVERIFY(torch::equal(back.sign().masked_select(large), values.sign().masked_select(large)));
  }

  void stateRoundTripContinuesBitForBit() {
    for (const bool eightBit : {false, true}) {
      const Problem problem;
      AdamWOptions o;
      o.eightBit = eightBit;
      at::Tensor straight = initialWeights();
      AdamW a({{"w", straight}}, o);
      runSteps(a, straight, problem, 10);

      at::Tensor resumed = initialWeights();
      AdamW first({{"w", resumed}}, o);
      runSteps(first, resumed, problem, 5);
      std::map<std::string, at::Tensor> saved;
      for (const auto& [k, v] : first.state()) saved[k] = v.clone();
      at::Tensor weights = resumed.detach().clone().requires_grad_(true);
      AdamW second({{"w", weights}}, o);
      second.loadState(saved);
      runSteps(second, weights, problem, 5);
      QVERIFY(torch::equal(weights, straight));
      QCOMPARE(second.steps(), std::int64_t(10));
    }
    at::Tensor w = initialWeights();
    AdamW optimizer({{"w", w}}, {});
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, optimizer.loadState({}));
  }

  void emaArithmetic() {
    at::Tensor p = torch::full({3}, 1.0, torch::kFloat64);
    std::vector<std::pair<std::string, at::Tensor>> params{{"p", p}};
    EmaOptions options;
    options.decay = 0.9;
    options.onCpu = true;
    Ema ema(params, options);
    QCOMPARE(ema.decayAt(1), 0.0);
    QCOMPARE(ema.decayAt(2), 2.0 / 11.0);
    QCOMPARE(ema.decayAt(1000), 0.9);
    p.fill_(3.0);
    ema.update();  // decay 0: a copy
    QCOMPARE(ema.weights().at("p")[0].item<float>(), 3.0f);
    p.fill_(14.0);
    ema.update();  // decay 2/11: 3 - (9/11)(3 - 14) = 12
    QVERIFY(std::abs(ema.weights().at("p")[1].item<float>() - 12.0f) < 1e-5);
    options.onCpu = false;
    Ema restored(params, options);
    restored.loadState(ema.state());
    QCOMPARE(restored.updates(), std::int64_t(2));
    at::Tensor target = torch::zeros({3}, torch::kFloat64);
    std::vector<std::pair<std::string, at::Tensor>> out{{"p", target}};
    restored.copyTo(out);
    QVERIFY(std::abs(target[2].item<double>() - 12.0) < 1e-5);
  }
};

QTEST_GUILESS_MAIN(TestOptim)
#include "test_optim.moc"
