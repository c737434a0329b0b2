#pragma once
// Joining a swarm: paste an invitation (`sdswarm1 <run key> <host:port> …`) or type the run's key and
// the peers' addresses; this peer's port, UPnP and client mode. Join is enabled once the entries are
// valid, and the problem is named until then. Check asks `sdtrain swarm reachability` whether the
// router forwards the port (UPnP).

#include <QDialog>

#include "protocol/events.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace sds::widgets {

class JoinSwarmDialog : public QDialog {
  Q_OBJECT
 public:
  explicit JoinSwarmDialog(QWidget* parent = nullptr);

  // Fills the fields from an invitation; false (and the problem shown) when it is not one.
  bool takeInvitation(const QString& text);
  // The swarm_join command of the entries (meaningful when problem() is empty).
  protocol::Command command() const;
  // Why Join is disabled, or empty.
  QString problem() const;

 private:
  void validate();
  void checkReachability();

  QLineEdit* invitation_;
  QLineEdit* key_;
  QLineEdit* peers_;
  QSpinBox* port_;
  QCheckBox* upnp_;
  QCheckBox* clientMode_;
  QLabel* message_;
  QLabel* reachability_;
  QPushButton* check_;
  QPushButton* join_;
};

}  // namespace sds::widgets
