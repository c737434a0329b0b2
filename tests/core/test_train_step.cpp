// Two training steps of the UNet against diffusers/torch (golden/sd15_train_step): VAE-encoded latents,
// DDPM noising, the epsilon MSE loss, its gradient through every UNet block (global norm), AdamW and
// the parameters after each step. This is what proves the models trainable.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "tensor_compare.h"
#include "diffusion/noise_schedule.h"
#include "io/torch_tensors.h"
#include "models/model_loader.h"
#include "train/adamw.h"

using namespace sds;

namespace {

// The parameters whose values after each step the golden holds.
const char* const kWatched[] = {"conv_in.weight", "conv_out.bias", "time_embedding.linear_1.weight"};

// Relative error (to the largest reference magnitude) of one step's quantities, by name.
struct StepErrors {
  double latents = 0, loss = 0, gradNorm = 0, paramSum = 0, watched = 0;
};

std::vector<StepErrors> trainTwoSteps(c10::ScalarType dtype) {
  auto golden = io::loadTensors(fixturePath("golden/sd15_train_step.safetensors"));
  models::StableDiffusionModel model = models::loadModel(fixturePath("tiny-sd15"), dtype);
  const diffusion::NoiseSchedule schedule(model.scheduler);
  const float scaling = static_cast<float>(model.vae->config.scalingFactor);

  // Frozen parts: the VAE and the text encoder run without gradients, as in the training scripts.
  at::Tensor hidden, latents;
  {
    torch::NoGradGuard noGrad;
    hidden = model.textEncoder->forward(golden["input_ids"]).lastHiddenState;
    latents = model.vae->encode(golden["pixel_values"].to(dtype)).mean * scaling;
  }
  model.unet->train();
  std::vector<at::Tensor> parameters = model.unet->parameters();
  for (at::Tensor& p : parameters) p.set_requires_grad(true);
  std::vector<std::pair<std::string, at::Tensor>> namedParameters;
  for (const auto& item : model.unet->named_parameters()) namedParameters.emplace_back(item.key(), item.value());
  train::AdamWOptions adamw;
  adamw.beta1 = 0.9, adamw.beta2 = 0.999, adamw.epsilon = 1e-8, adamw.weightDecay = 1e-2;
  train::AdamW optimizer(namedParameters, adamw);
  const auto named = model.unet->named_parameters();

  std::vector<StepErrors> errors;
  for (int step = 0; step < 2; ++step) {
    const std::string k = "step" + std::to_string(step) + "_";
    StepErrors e;
    e.latents = relativeError(latents, golden[k + "latents"]);
    // From the golden's latents, so that each step is checked on its own.
    const at::Tensor x0 = golden[k + "latents"].to(dtype);
    const at::Tensor noise = golden[k + "noise"].to(dtype);
    const at::Tensor t = golden[k + "timesteps"];
    const at::Tensor noisy = schedule.addNoise(x0, noise, t);

    optimizer.zeroGrad();
    models::UNetConditioning conditioning;
    conditioning.encoderHiddenStates = hidden;
    const at::Tensor prediction = model.unet->forward(noisy, t, conditioning);
    const at::Tensor loss = torch::mse_loss(prediction, noise);
    loss.backward();

    at::Tensor squares = torch::zeros({}, torch::kFloat64);
    for (const at::Tensor& p : parameters) {
      if (!p.grad().defined()) throw std::runtime_error("a UNet parameter received no gradient");
      squares += p.grad().to(torch::kFloat64).pow(2).sum();
    }
    e.loss = relativeError(loss.reshape({1}), golden[k + "loss"]);
    e.gradNorm = relativeError(squares.sqrt().reshape({1}), golden[k + "grad_norm"]);

    optimizer.step(1e-3);
    torch::NoGradGuard noGrad;
    at::Tensor sum = torch::zeros({}, torch::kFloat64);
    for (const at::Tensor& p : parameters) sum += p.to(torch::kFloat64).sum();
    e.paramSum = relativeError(sum.reshape({1}), golden[k + "param_sum"]);
    for (const char* name : kWatched)
      e.watched = std::max(e.watched, relativeError(named[name], golden[k + "after/" + name]));
    errors.push_back(e);
  }
  return errors;
}

}  // namespace

class TestTrainStep : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { SDS_REQUIRE_FIXTURES(); }

  void gradientsReachEveryParameter() {
    models::StableDiffusionModel model = models::loadModel(fixturePath("tiny-sd15"), torch::kFloat32);
    auto golden = io::loadTensors(fixturePath("golden/sd15_train_step.safetensors"));
    models::UNetConditioning conditioning;
    {
      torch::NoGradGuard noGrad;
      conditioning.encoderHiddenStates = model.textEncoder->forward(golden["input_ids"]).lastHiddenState;
    }
    const at::Tensor noise = golden["step0_noise"];
    model.unet->forward(noise, golden["step0_timesteps"], conditioning).pow(2).mean().backward();
    for (const auto& item : model.unet->named_parameters()) {
      QVERIFY2(item.value().grad().defined(), item.key().c_str());
      QVERIFY2(torch::isfinite(item.value().grad()).all().item<bool>(), item.key().c_str());
    }
  }

  // Bounds are relative to the largest reference magnitude. The golden is stored as float32, so float64
  // agrees to about float32's rounding (6e-8). After the first AdamW step the gradient norm and the
  // parameters are far more sensitive: Adam's first update g/(|g|+eps) of an element whose gradient
  // is near eps (1e-8) turns a 1e-10 difference of that gradient into a 1e-5 difference of the
  // parameter. The float32 timestep embedding (sin/cos of t·freq, float32 in diffusers too) makes
  // such differences whenever two builds' float32 kernels differ by an ulp: perturbing it by 1e-7
  // moves the second step's figures by about 3e-5. Loss and parameter sum stay at the first bound.
  void matchesDiffusers_data() {
    QTest::addColumn<int>("dtype");
    QTest::addColumn<double>("bound");
    QTest::addColumn<double>("afterAdamBound");  // second step: gradient norm and parameters
    QTest::newRow("float64") << int(torch::kFloat64) << 2e-7 << 5e-5;
    QTest::newRow("float32") << int(torch::kFloat32) << 1e-4 << 5e-4;
  }

  void matchesDiffusers() {
    QFETCH(int, dtype);
    QFETCH(double, bound);
    QFETCH(double, afterAdamBound);
    const std::vector<StepErrors> errors = trainTwoSteps(c10::ScalarType(dtype));
    QCOMPARE(errors.size(), std::size_t(2));
    for (std::size_t step = 0; step < errors.size(); ++step) {
      const StepErrors& e = errors[step];
      const QString where = QString("step %1: ").arg(step);
      qInfo().noquote() << where << "latents" << e.latents << "loss" << e.loss << "grad norm" << e.gradNorm
                        << "parameters" << e.watched << "parameter sum" << e.paramSum;
      const double sensitive = step == 0 ? bound : afterAdamBound;
      QVERIFY2(e.latents < bound, qPrintable(where + QString("latents, relative error %1").arg(e.latents)));
      QVERIFY2(e.loss < bound, qPrintable(where + QString("loss, relative error %1").arg(e.loss)));
      QVERIFY2(e.paramSum < bound, qPrintable(where + QString("parameter sum, relative error %1").arg(e.paramSum)));
      QVERIFY2(e.gradNorm < sensitive, qPrintable(where + QString("grad norm, relative error %1").arg(e.gradNorm)));
      QVERIFY2(e.watched < sensitive, qPrintable(where + QString("parameters, relative error %1").arg(e.watched)));
    }
  }
};

QTEST_GUILESS_MAIN(TestTrainStep)
#include "test_train_step.moc"
