#pragma once
// The Swarm page: this peer's state and how others reach it (address, UPnP mapping or client mode and
// why), the run's key (hidden, copied as an invitation), the peers (address, samples/s, client mode,
// last seen), the swarm's epoch, samples/s and this peer's share, each averaging round, and the
// network traffic per round as a chart. Join and Leave act on the running trainer (swarm_join,
// swarm_leave), or set up the project's swarm for the next start.

#include <QStringList>
#include <QWidget>

#include "protocol/events.h"

class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QToolButton;

namespace sds::widgets {

class SwarmPage : public QWidget {
  Q_OBJECT
 public:
  explicit SwarmPage(QWidget* parent = nullptr);

  // The run's key and the peers joined through, as the project or the last join gave them.
  void setRun(const QString& runKey, const QStringList& peers);
  // Whether a training runs (Join and Leave then go to it).
  void setTrainingRunning(bool running);
  // The invitation others paste to join: the key, this peer's own address (once it is a peer that
  // accepts connections) and the peers it joined through. Empty without a key.
  QString invitation() const;
  // The join dialog; Join in it emits joinRequested.
  void openJoinDialog();
  // Forgets the last run's peers and rounds (a new training starts).
  void clear();

  // Figures as shown, for people and tests.
  int peerRows() const;
  int roundRows() const;
  QString epochText() const;
  QString reachabilityText() const;
  QString stateText() const;
  QPushButton* joinButton() const { return join_; }
  QPushButton* leaveButton() const { return leave_; }

 public slots:
  void onSwarmState(const sds::protocol::SwarmEvent& event);
  void onSwarmStatus(const sds::protocol::SwarmStatusEvent& event);
  void onSwarmRound(const sds::protocol::SwarmRoundEvent& event);

 signals:
  void joinRequested(const sds::protocol::Command& join);
  void leaveRequested();
  void createRequested();  // a new run key for the current project

 private:
  void refreshButtons();

  QLabel* state_;
  QLabel* address_;
  QLabel* reachability_;
  QLineEdit* key_;
  QToolButton* showKey_;
  QPushButton* copyInvitation_;
  QPushButton* join_;
  QPushButton* leave_;
  QPushButton* create_;
  QLabel* figures_;
  QTableWidget* peers_;
  QTableWidget* rounds_;
  QCustomPlot* traffic_;
  QString ownPeer_, ownAddress_;
  int ownDhtPort_ = 0;
  QStringList joinedThrough_;
  bool running_ = false;
  bool joined_ = false;
};

}  // namespace sds::widgets
