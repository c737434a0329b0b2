// DiLoCo's outer step as SwarmGradientSync takes it, for a peer alone in its swarm (its own
// pseudo-gradient is the average): torch.optim.SGD(lr, momentum, nesterov=True) on the pseudo-
// gradient outer − current, every `local_steps` steps, from the outer weights; and its state through
// a checkpoint.

#include <torch/torch.h>  // before Qt, whose `slots` keyword torch's headers use as a name

#include <QtTest>

#include "train/swarm_sync.h"

using namespace sds::train;

namespace {

SwarmSyncOptions lonePeer(const QString& folder) {
  SwarmSyncOptions o;
  o.mode = SwarmMode::DiLoCo;
  o.localSteps = 2;
  o.outerLearningRate = 0.7;
  o.outerMomentum = 0.9;
  o.peer.runKey = "sdsrun-outer-step-test";
  o.peer.listenHost = "127.0.0.1";
  o.peer.publicHost = "127.0.0.1";
  o.peer.matchmaking.matchmakingTime = std::chrono::milliseconds(200);
  o.stateFolder = folder.toStdString();
  return o;
}

}  // namespace

class TestSwarmOuterStep : public QObject {
  Q_OBJECT

 private slots:
  void nesterovOnThePseudoGradient() {
    QTemporaryDir dir;
    SwarmGradientSync sync(lonePeer(dir.path()));
    std::vector<at::Tensor> weights{torch::tensor({1.0f, 2.0f, 3.0f}), torch::tensor({-4.0f})};
    sync.setTrainedWeights({[&] {
                              std::vector<at::Tensor> copy;
                              for (const at::Tensor& w : weights) copy.push_back(w.clone());
                              return copy;
                            },
                            [&](const std::vector<at::Tensor>& values) {
                              for (std::size_t i = 0; i < weights.size(); ++i) weights[i].copy_(values[i]);
                            },
                            {},
                            {}});
    QVERIFY(!sync.isGroup());  // DiLoCo steps on the peer's own gradients

    // The reference: torch.optim.SGD with nesterov, one step per window on outer − current.
    std::vector<at::Tensor> outer{weights[0].clone(), weights[1].clone()};
    std::vector<at::Tensor> buffer{torch::zeros(3), torch::zeros(1)};
    std::int64_t step = 0;
    for (int window = 0; window < 3; ++window) {
      for (int local = 0; local < 2; ++local) {
        QVERIFY(sync.afterLocalStep(step, 4, 0.1).kind == LocalStepVerdict::Kind::Step);
        // The inner optimizer moves the weights.
        weights[0] -= torch::tensor({0.25f, -0.5f, 0.125f}) * (window + 1);
        weights[1] += 0.375f;
        sync.afterOptimizerStep(++step);
        if (local == 0) QVERIFY(torch::equal(weights[1], outer[1] + 0.375f));  // no round mid-window
      }
      // The sync has written the new outer weights into `weights`; the reference starts from where
      // the window ended: the outer weights moved by the window's inner steps.
      std::vector<at::Tensor> ended;
      ended.push_back(outer[0] - torch::tensor({0.25f, -0.5f, 0.125f}) * (window + 1) * 2);
      ended.push_back(outer[1] + 0.75f);
      for (std::size_t i = 0; i < outer.size(); ++i) {
        const at::Tensor g = outer[i] - ended[i];
        buffer[i] = 0.9 * buffer[i] + g;
        outer[i] = outer[i] - 0.7 * (g + 0.9 * buffer[i]);
        QVERIFY2(torch::allclose(weights[i], outer[i], 1e-6, 1e-6),
                 qPrintable(QString("window %1, tensor %2").arg(window).arg(i)));
      }
    }
    // Three rounds, their outer state in the exchange state, restored into another sync.
    const auto state = sync.exchangeState();
    QCOMPARE(state.at("outer_epoch").item<std::int64_t>(), std::int64_t(3));
    QVERIFY(torch::equal(state.at("outer_weights.0"), outer[0]));
    QVERIFY(torch::allclose(state.at("outer_velocity.1"), buffer[1]));
    SwarmSyncOptions unjoined = lonePeer(dir.path());
    unjoined.joinAtStart = false;
    SwarmGradientSync restored(unjoined);
    restored.loadExchangeState(state);
    const auto again = restored.exchangeState();
    QCOMPARE(again.size(), state.size());
    for (const auto& [name, t] : state) QVERIFY2(torch::equal(again.at(name), t), name.c_str());
  }
};

QTEST_GUILESS_MAIN(TestSwarmOuterStep)
#include "test_swarm_outer_step.moc"
