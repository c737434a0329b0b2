// Noise schedules and samplers against diffusers (golden/schedulers_sd15, made from
// tiny-sd15/scheduler: ᾱ plain and zero-terminal-SNR, add_noise, velocity, DDIM, Euler, DPM++ 2M with
// and without Karras sigmas), plus the rules the goldens do not cover: v-prediction, Euler ancestral and
// config errors.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "diffusion/noise_schedule.h"
#include "diffusion/sampler.h"
#include "diffusion/samplers.h"
#include "tensor_compare.h"
#include "models/io/torch_tensors.h"

using namespace sds;
using namespace sds::diffusion;

namespace {

SchedulerConfig sd15Config() {
  return SchedulerConfig::fromFile(fixture("tiny-sd15/scheduler/scheduler_config.json").toStdString());
}

// The golden's sampling loop, in float64 like the goldens: x = randn(seed 7) * init_noise_sigma, and a
// fake model eps = 0.5 * scaled(x) + 0.01 * t.
at::Tensor runFakeModel(Sampler& sampler, int steps) {
  sampler.setTimesteps(steps);
  at::Generator generator = at::detail::createCPUGenerator(7);
  at::Tensor x = torch::randn({1, 4, 8, 8}, generator, torch::kFloat64) * sampler.initNoiseSigma();
  for (std::size_t i = 0; i < sampler.timesteps().size(); ++i) {
    const double t = sampler.timesteps()[i];
    const at::Tensor eps = 0.5 * sampler.scaleModelInput(x, i) + 0.01 * t;
    x = sampler.step(eps, i, x);
  }
  return x;
}

}  // namespace

class TestSchedulers : public QObject {
  Q_OBJECT

  std::map<std::string, at::Tensor> golden_;

 private slots:
  void initTestCase() {
    SDS_REQUIRE_FIXTURES();
    golden_ = io::loadTensors(fixture("golden/schedulers_sd15.safetensors").toStdString());
  }

  void configIsRead() {
    const SchedulerConfig c = sd15Config();
    QCOMPARE(c.betaSchedule, std::string("scaled_linear"));
    QCOMPARE(c.stepsOffset, 1);
    QCOMPARE(c.timestepSpacing.value_or(""), std::string("leading"));
    QVERIFY(c.setAlphaToOne && !*c.setAlphaToOne);
    QVERIFY(!c.clipSample);  // not in the file: each sampler's own default applies
  }

  void alphasCumprodMatch() {
    const NoiseSchedule schedule(sd15Config());
    // Bit for bit: every later figure of a run is computed from these.
    QVERIFY(torch::equal(schedule.alphasCumprod(), golden_["alphas_cumprod"]));
  }

  void addNoiseAndVelocityMatch() {
    const NoiseSchedule schedule(sd15Config());
    const at::Tensor& x0 = golden_["x0"];
    const at::Tensor& noise = golden_["noise"];
    const at::Tensor& t = golden_["t"];
    QVERIFY(relativeError(schedule.addNoise(x0, noise, t), golden_["add_noise"]) < 1e-6);
    QVERIFY(relativeError(schedule.velocity(x0, noise, t), golden_["velocity"]) < 1e-6);
    // Also in float64, the precision of the parity tests.
    QVERIFY(relativeError(schedule.addNoise(x0.to(torch::kFloat64), noise.to(torch::kFloat64), t),
                          golden_["add_noise"]) < 1e-6);
  }

  void samplersMatch_data() {
    QTest::addColumn<QString>("sampler");
    QTest::addColumn<QString>("golden");
    QTest::newRow("ddim") << "ddim" << "ddim";
    QTest::newRow("euler") << "euler" << "euler";
    QTest::newRow("dpm++ 2m") << "dpmpp_2m" << "dpmpp2m";
  }

  void samplersMatch() {
    QFETCH(QString, sampler);
    QFETCH(QString, golden);
    auto s = makeSampler(sampler.toStdString(), sd15Config());
    const at::Tensor result = runFakeModel(*s, 10);
    const at::Tensor expectedTimesteps = golden_[golden.toStdString() + "_timesteps"];
    QCOMPARE(int(s->timesteps().size()), int(expectedTimesteps.numel()));
    for (std::size_t i = 0; i < s->timesteps().size(); ++i)
      QCOMPARE(s->timesteps()[i], expectedTimesteps[int64_t(i)].item<double>());
    const double error = relativeError(result, golden_[golden.toStdString() + "_final"]);
    // Float64 against goldens stored in float32: agreement to float32 precision.
    QVERIFY2(error < 1e-6, qPrintable(QString("relative error %1").arg(error)));
  }

  // DPM++ 2M with Karras sigmas (diffusers' use_karras_sigmas): the timesteps and the sample after 10
  // steps match the golden.
  void karrasSamplerMatches() {
    auto s = makeSampler("dpmpp_2m_karras", sd15Config());
    const at::Tensor result = runFakeModel(*s, 10);
    const at::Tensor expectedTimesteps = golden_["dpmpp2m_karras_timesteps"];
    QCOMPARE(int(s->timesteps().size()), int(expectedTimesteps.numel()));
    for (std::size_t i = 0; i < s->timesteps().size(); ++i)
      QCOMPARE(s->timesteps()[i], expectedTimesteps[int64_t(i)].item<double>());
    // The golden's Karras entries differ from the plain ones, so this exercises Karras sigmas.
    QVERIFY(!torch::equal(golden_["dpmpp2m_karras_final"], golden_["dpmpp2m_final"]));
    const double error = relativeError(result, golden_["dpmpp2m_karras_final"]);
    QVERIFY2(error < 1e-6, qPrintable(QString("relative error %1").arg(error)));
  }

  // Karras sigmas run from the largest to the smallest training sigma with rho = 7 spacing, and the
  // timesteps follow the sigmas (the formula, beside the golden above).
  void karrasSigmas() {
    const SchedulerConfig config = sd15Config();
    DpmSolverSampler karras([&] {
      SchedulerConfig c = config;
      c.useKarrasSigmas = true;
      return c;
    }());
    karras.setTimesteps(10);
    const std::vector<double> training = karras.schedule().trainingSigmas();
    const std::vector<double>& sigmas = karras.sigmas();
    QCOMPARE(int(sigmas.size()), 11);
    QVERIFY(std::abs(sigmas.front() - training.back()) < 1e-5 * training.back());
    QVERIFY(std::abs(sigmas[9] - training.front()) < 1e-5 * training.front() + 1e-9);
    QCOMPARE(sigmas.back(), 0.0);
    for (int i = 0; i < 10; ++i) {
      const double ramp = i / 9.0;
      const double expected =
          std::pow(std::pow(training.back(), 1 / 7.0) + ramp * (std::pow(training.front(), 1 / 7.0) -
                                                                std::pow(training.back(), 1 / 7.0)),
                   7.0);
      QVERIFY(std::abs(sigmas[i] - expected) <= 1e-6 * expected);
    }
    QCOMPARE(karras.timesteps().front(), 999.0);
    QCOMPARE(karras.timesteps().back(), 0.0);
    for (std::size_t i = 1; i < karras.timesteps().size(); ++i)
      QVERIFY(karras.timesteps()[i] <= karras.timesteps()[i - 1]);
    const at::Tensor result = runFakeModel(karras, 10);
    QVERIFY(torch::isfinite(result).all().item<bool>());
    auto plain = makeSampler("dpmpp_2m", config);
    QVERIFY(relativeError(result, runFakeModel(*plain, 10)) > 1e-3);
  }

  // rescale_betas_zero_snr: the last timestep carries no signal, the first keeps its ᾱ; ᾱ matches the
  // golden (diffusers' rescale_zero_terminal_snr).
  void zeroTerminalSnr() {
    SchedulerConfig config = sd15Config();
    const NoiseSchedule plain(config);
    config.rescaleBetasZeroSnr = true;
    const NoiseSchedule rescaled(config);
    const at::Tensor& golden = golden_["zero_snr_alphas_cumprod"];
    QVERIFY(!torch::equal(golden, golden_["alphas_cumprod"]));
    const double goldenError = (rescaled.alphasCumprod().to(torch::kFloat64) - golden.to(torch::kFloat64)).abs().max().item<double>();
    QVERIFY2(goldenError < 1e-6, qPrintable(QString("max difference %1").arg(goldenError)));
    QCOMPARE(rescaled.alphaCumprod(999), 0.0);
    QVERIFY(std::abs(rescaled.alphaCumprod(0) - plain.alphaCumprod(0)) < 1e-6);
    // sqrt(ᾱ) is an affine map of the original sqrt(ᾱ): equal ratios of differences.
    const double a0 = std::sqrt(plain.alphaCumprod(0)), aT = std::sqrt(plain.alphaCumprod(999));
    for (int t : {100, 500, 900}) {
      const double expected = (std::sqrt(plain.alphaCumprod(t)) - aT) * a0 / (a0 - aT);
      QVERIFY(std::abs(std::sqrt(rescaled.alphaCumprod(t)) - expected) < 1e-5);
    }
    // Training at the last timestep sees pure noise.
    const at::Tensor x0 = torch::ones({1, 4, 2, 2}), noise = torch::full({1, 4, 2, 2}, 0.5);
    QVERIFY(torch::allclose(rescaled.addNoise(x0, noise, torch::tensor({999})), noise));
    // Sigma samplers still get a finite last sigma.
    QVERIFY(std::isfinite(rescaled.trainingSigmas().back()));
  }

  // A perfect model (it knows x0 and the noise) lets one DDIM step from any timestep land on x0, for
  // each prediction type.
  void predictionTypes_data() {
    QTest::addColumn<QString>("type");
    QTest::newRow("epsilon") << "epsilon";
    QTest::newRow("v_prediction") << "v_prediction";
    QTest::newRow("sample") << "sample";
  }

  void predictionTypes() {
    QFETCH(QString, type);
    SchedulerConfig config = sd15Config();
    config.predictionType = type.toStdString();
    config.clipSample = false;
    config.setAlphaToOne = true;
    DdimSampler ddim(config);
    ddim.setTimesteps(1);
    const auto t = torch::tensor({int64_t(ddim.timesteps()[0])});
    const at::Tensor x0 = torch::randn({2, 4, 4, 4}, torch::kFloat64);
    const at::Tensor noise = torch::randn({2, 4, 4, 4}, torch::kFloat64);
    const at::Tensor xt = ddim.schedule().addNoise(x0, noise, t.expand({2}));
    const at::Tensor output = type == "epsilon"        ? noise
                              : type == "v_prediction" ? ddim.schedule().velocity(x0, noise, t.expand({2}))
                                                       : x0;
    QVERIFY(relativeError(ddim.step(output, 0, xt, nullptr), x0) < 1e-9);
    // Euler's x0 prediction agrees for the same perfect model.
    EulerSampler euler(config, false);
    euler.setTimesteps(1);
    const double sigma = euler.sigmas()[0];
    const at::Tensor scaledInput = xt * std::sqrt(sigma * sigma + 1);  // the sigma formulation's sample
    QVERIFY(relativeError(predictOriginal(config.predictionType, output, scaledInput, sigma), x0) < 1e-5);
  }

  void eulerAncestralIsSeeded() {
    auto a = makeSampler("euler_a", sd15Config());
    a->setTimesteps(5);
    auto run = [&](std::uint64_t seed) {
      at::Generator g = at::detail::createCPUGenerator(seed);
      at::Tensor x = torch::randn({1, 4, 8, 8}, g) * a->initNoiseSigma();
      for (std::size_t i = 0; i < a->timesteps().size(); ++i) x = a->step(0.1 * a->scaleModelInput(x, i), i, x, &g);
      return x;
    };
    QVERIFY(torch::equal(run(3), run(3)));
    QVERIFY(!torch::equal(run(3), run(4)));
  }

  void spacings() {
    QCOMPARE(spacedTimesteps("leading", 1000, 4, 1, true), (std::vector<double>{751, 501, 251, 1}));
    QCOMPARE(spacedTimesteps("trailing", 1000, 4, 0, true), (std::vector<double>{999, 749, 499, 249}));
    QCOMPARE(spacedTimesteps("linspace", 1000, 4, 0, true), (std::vector<double>{999, 666, 333, 0}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, spacedTimesteps("leading", 1000, 0, 0, true));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeSampler("plms", sd15Config()));
  }

  void configErrors_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << "{" << "not a JSON object";
    QTest::newRow("unknown schedule") << R"({"beta_schedule": "sigmoid"})"
                                      << "\"beta_schedule\" is \"sigmoid\", which SD Studio does not support";
    QTest::newRow("wrong type") << R"({"num_train_timesteps": "many"})"
                                << "\"num_train_timesteps\" has the value \"many\" of the wrong type";
    QTest::newRow("prediction") << R"({"prediction_type": "flow"})" << "\"prediction_type\" is \"flow\"";
    QTest::newRow("trained betas") << R"({"num_train_timesteps": 4, "trained_betas": [0.1, 0.2]})"
                                   << "\"trained_betas\" has 2 values; expected num_train_timesteps = 4";
  }

  void configErrors() {
    QFETCH(QString, json);
    QFETCH(QString, message);
    try {
      SchedulerConfig::fromJson(json.toStdString(), "scheduler_config.json");
      QFAIL("no error");
    } catch (const SchedulerConfigError& e) {
      QVERIFY2(QString(e.what()).startsWith("scheduler_config.json: "), e.what());
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestSchedulers)
#include "test_schedulers.moc"
