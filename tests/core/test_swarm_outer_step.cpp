// DiLoCo's outer step as SwarmGradientSync takes it, for a peer alone in its swarm (its own
// pseudo-gradient is the average): torch.optim.SGD(lr, momentum, nesterov=True) on the pseudo-
// gradient outer − current, every `local_steps` steps, from the outer weights; and its state through
// a checkpoint. With overlapped rounds the same step one window late, the window trained meanwhile
// kept.

#include <torch/torch.h>  // before Qt, whose `slots` keyword torch's headers use as a name

#include <QtTest>

#include "train/swarm_sync.h"

using namespace sds::train;

namespace {

SwarmSyncOptions lonePeer(const QString& folder, bool overlap = false) {
  SwarmSyncOptions o;
  o.mode = SwarmMode::DiLoCo;
  o.overlapRounds = overlap;
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

// The trained weights as the trainer gives them to the sync: copies out, values in.
GradientSync::TrainedWeights accessTo(std::vector<at::Tensor>& weights) {
  return {[&weights] {
            std::vector<at::Tensor> copy;
            for (const at::Tensor& w : weights) copy.push_back(w.clone());
            return copy;
          },
          [&weights](const std::vector<at::Tensor>& values) {
            for (std::size_t i = 0; i < weights.size(); ++i) weights[i].copy_(values[i]);
          },
          {},
          {}};
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
        if (local == 0) QVERIFY(torch::allclose(weights[1], outer[1] + 0.375f, 1e-6, 1e-6));  // no round mid-window
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
    QVERIFY(torch::allclose(state.at("outer_weights.0"), outer[0], 1e-6, 1e-6));
    QVERIFY(torch::allclose(state.at("outer_velocity.1"), buffer[1]));
    SwarmSyncOptions unjoined = lonePeer(dir.path());
    unjoined.joinAtStart = false;
    SwarmGradientSync restored(unjoined);
    restored.loadExchangeState(state);
    const auto again = restored.exchangeState();
    QCOMPARE(again.size(), state.size());
    for (const auto& [name, t] : state) QVERIFY2(torch::equal(again.at(name), t), name.c_str());
  }

  // Overlapped: window k's round averages while window k+1 trains; its outer step θ(k+1) is taken
  // when the round has ended, and the weights move by θ(k+1) − (the weights when the round began),
  // keeping window k+1's steps. The next pseudo-gradient is window k+1's own work.
  void overlappedRoundsTakeTheStepOneWindowLate() {
    QTemporaryDir dir;
    std::vector<std::string> rounds;
    SwarmSyncOptions options = lonePeer(dir.path(), true);
    options.event = [&rounds](const sds::protocol::Event& e) {
      if (const auto* r = std::get_if<sds::protocol::SwarmRoundEvent>(&e)) rounds.push_back(r->kind + "/" + r->outcome);
    };
    SwarmGradientSync sync(options);
    std::vector<at::Tensor> weights{torch::tensor({1.0f, 2.0f, 3.0f}), torch::tensor({-4.0f})};
    sync.setTrainedWeights(accessTo(weights));

    std::vector<at::Tensor> outer{weights[0].clone(), weights[1].clone()};
    std::vector<at::Tensor> buffer{torch::zeros(3), torch::zeros(1)};
    std::vector<at::Tensor> x{weights[0].clone(), weights[1].clone()};  // the reference's training weights
    std::vector<at::Tensor> pendingDelta, pendingStart;
    const auto applyPending = [&] {  // the reference's outer step for the round in flight
      for (std::size_t i = 0; i < outer.size(); ++i) {
        buffer[i] = 0.9 * buffer[i] + pendingDelta[i];
        outer[i] = outer[i] - 0.7 * (pendingDelta[i] + 0.9 * buffer[i]);
        x[i] = x[i] + (outer[i] - pendingStart[i]);
      }
      pendingDelta.clear();
    };
    std::int64_t step = 0;
    for (int window = 0; window < 3; ++window) {
      for (int local = 0; local < 2; ++local) {
        QVERIFY(sync.afterLocalStep(step, 4, 0.1).kind == LocalStepVerdict::Kind::Step);
        const at::Tensor inner = torch::tensor({0.25f, -0.5f, 0.125f}) * (window + 1);
        weights[0] -= inner;
        weights[1] += 0.375f;
        x[0] -= inner;
        x[1] += 0.375f;
        sync.afterOptimizerStep(++step);
      }
      // The window has ended: the round before it has been applied, this one's begins.
      if (!pendingDelta.empty()) applyPending();
      pendingDelta = {outer[0] - x[0], outer[1] - x[1]};
      pendingStart = {x[0].clone(), x[1].clone()};
      // Its outer epoch counts the windows trained: the last round is in flight, not applied.
      QCOMPARE(sync.exchangeState().at("outer_epoch").item<std::int64_t>(), std::int64_t(window));
    }
    // The training ends: the last round is waited for and applied.
    sync.finishRounds();
    applyPending();
    for (std::size_t i = 0; i < outer.size(); ++i) {
      QVERIFY2(torch::allclose(weights[i], x[i], 1e-5, 1e-5), qPrintable(QString("tensor %1").arg(i)));
      QVERIFY(torch::allclose(sync.exchangeState().at("outer_weights." + std::to_string(i)), outer[i], 1e-5, 1e-5));
    }
    QCOMPARE(sync.exchangeState().at("outer_epoch").item<std::int64_t>(), std::int64_t(3));
    QCOMPARE(rounds, std::vector<std::string>(3, "pseudo_gradients/alone"));
  }
};

QTEST_GUILESS_MAIN(TestSwarmOuterStep)
#include "test_swarm_outer_step.moc"
