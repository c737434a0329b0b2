#include "swarm_page.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QMap>
#include <algorithm>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "join_swarm_dialog.h"
#include "protocol/swarm_invitation.h"

namespace sds::widgets {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QTableWidget* table(const QStringList& headers, QWidget* parent) {
  auto* t = new QTableWidget(0, int(headers.size()), parent);
  t->setHorizontalHeaderLabels(headers);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->verticalHeader()->setVisible(false);
  t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  t->horizontalHeader()->setStretchLastSection(true);
  return t;
}

void setRow(QTableWidget* t, int row, const QStringList& cells) {
  for (int c = 0; c < cells.size(); ++c) t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

// The host of "host:port" (IPv6 hosts keep their brackets).
QString hostOf(const QString& address) { return address.left(address.lastIndexOf(':')); }

}  // namespace

SwarmPage::SwarmPage(QWidget* parent) : QWidget(parent) {
  state_ = new QLabel(tr("Not in a swarm. Join one, or create one for this project and invite others."), this);
  state_->setWordWrap(true);
  address_ = new QLabel(this);
  address_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  reachability_ = new QLabel(this);
  reachability_->setWordWrap(true);
  key_ = new QLineEdit(this);
  key_->setReadOnly(true);
  key_->setEchoMode(QLineEdit::Password);
  key_->setPlaceholderText(tr("no run key yet"));
  key_->setAccessibleName(tr("Run key"));
  showKey_ = new QToolButton(this);
  showKey_->setText(tr("Show"));
  showKey_->setCheckable(true);
  connect(showKey_, &QToolButton::toggled, this,
          [this](bool on) { key_->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password); });
  copyInvitation_ = new QPushButton(tr("&Copy invitation"), this);
  copyInvitation_->setToolTip(tr("Copy one line with the run's key and the addresses to join through; give it "
                                 "only to people who may train in this run"));
  connect(copyInvitation_, &QPushButton::clicked, this,
          [this] { QApplication::clipboard()->setText(invitation()); });
  join_ = new QPushButton(tr("&Join a swarm…"), this);
  leave_ = new QPushButton(tr("&Leave"), this);
  leave_->setToolTip(tr("Leave the swarm after the current round; training goes on alone"));
  create_ = new QPushButton(tr("C&reate a swarm"), this);
  create_->setToolTip(tr("Make a new run key for this project; start training, then copy the invitation"));
  connect(join_, &QPushButton::clicked, this, &SwarmPage::openJoinDialog);
  connect(leave_, &QPushButton::clicked, this, &SwarmPage::leaveRequested);
  connect(create_, &QPushButton::clicked, this, &SwarmPage::createRequested);
  figures_ = new QLabel(this);

  peers_ = table({tr("Peer"), tr("Address"), tr("Epoch"), tr("Samples/s"), tr("Client mode"), tr("Last seen")}, this);
  rounds_ = table({tr("Time"), tr("Epoch"), tr("Kind"), tr("Group"), tr("Duration"), tr("Training waited"),
                   tr("MB out / in"), tr("Outcome")},
                  this);
  traffic_ = new QCustomPlot(this);
  traffic_->setMinimumHeight(140);
  traffic_->addGraph();
  traffic_->graph(0)->setName(tr("MB sent"));
  traffic_->addGraph();
  traffic_->graph(1)->setName(tr("MB received"));
  traffic_->graph(1)->setPen(QPen(QColor(220, 120, 40)));
  traffic_->xAxis->setLabel(tr("round"));
  traffic_->yAxis->setLabel(tr("MB"));
  traffic_->legend->setVisible(true);

  auto* keyRow = new QHBoxLayout;
  keyRow->addWidget(new QLabel(tr("Run key:"), this));
  keyRow->addWidget(key_, 1);
  keyRow->addWidget(showKey_);
  keyRow->addWidget(copyInvitation_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(join_);
  buttons->addWidget(leave_);
  buttons->addWidget(create_);
  buttons->addStretch(1);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(peers_);
  split->addWidget(rounds_);
  split->addWidget(traffic_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(state_);
  layout->addWidget(address_);
  layout->addWidget(reachability_);
  layout->addLayout(keyRow);
  layout->addWidget(figures_);
  layout->addWidget(split, 1);
  refreshButtons();
}

void SwarmPage::openJoinDialog() {
  JoinSwarmDialog dialog(this);
  if (dialog.exec() == QDialog::Accepted) emit joinRequested(dialog.command());
}

void SwarmPage::setRun(const QString& runKey, const QStringList& peers) {
  key_->setText(runKey.startsWith("sdsrun-") ? runKey : QString());
  joinedThrough_ = peers;
  refreshButtons();
}

void SwarmPage::setTrainingRunning(bool running) {
  running_ = running;
  if (!running) joined_ = false;
  refreshButtons();
}

void SwarmPage::refreshButtons() {
  leave_->setEnabled(running_ && joined_);
  copyInvitation_->setEnabled(!invitation().isEmpty());
  create_->setEnabled(!running_);
  join_->setToolTip(running_ ? tr("Join a swarm now; training goes on meanwhile")
                             : tr("Set this project to join a swarm when training starts"));
}

QString SwarmPage::invitation() const {
  protocol::SwarmInvitation invitation;
  invitation.runKey = key_->text().toStdString();
  if (invitation.runKey.empty()) return {};
  if (!ownAddress_.isEmpty() && ownDhtPort_ > 0)
    invitation.peers.push_back((hostOf(ownAddress_) + ":" + QString::number(ownDhtPort_)).toStdString());
  for (const QString& p : joinedThrough_)
    if (std::find(invitation.peers.begin(), invitation.peers.end(), p.toStdString()) == invitation.peers.end())
      invitation.peers.push_back(p.toStdString());
  if (invitation.peers.empty()) return {};
  return qs(protocol::encodeInvitation(invitation));
}

void SwarmPage::clear() {
  peers_->setRowCount(0);
  rounds_->setRowCount(0);
  for (int g = 0; g < traffic_->graphCount(); ++g) traffic_->graph(g)->data()->clear();
  traffic_->replot();
  figures_->clear();
  ownAddress_.clear();
  ownDhtPort_ = 0;
  joined_ = false;
  refreshButtons();
}

int SwarmPage::peerRows() const { return peers_->rowCount(); }
int SwarmPage::roundRows() const { return rounds_->rowCount(); }
QString SwarmPage::epochText() const { return figures_->text(); }
QString SwarmPage::reachabilityText() const { return reachability_->text(); }
QString SwarmPage::stateText() const { return state_->text(); }

void SwarmPage::onSwarmState(const protocol::SwarmEvent& e) {
  const QString state = qs(e.state);
  static const QMap<QString, QString> names = {
      {"joining", tr("Joining")},           {"accumulating", tr("Training")},
      {"matchmaking", tr("Finding a group")}, {"averaging_state", tr("Averaging the state")},
      {"downloading_state", tr("Downloading the swarm's state")}, {"left", tr("Left the swarm")},
      {"failed", tr("Could not join")}};
  state_->setText(names.value(state, state) + (e.detail.empty() ? QString() : " — " + qs(e.detail)));
  joined_ = state != "left" && state != "failed";
  if (!e.peer.empty()) ownPeer_ = qs(e.peer);
  if (state != "left" && state != "failed") {
    ownAddress_ = qs(e.address);
    ownDhtPort_ = e.dht_port;
    address_->setText(e.client_mode ? tr("Peer %1 in client mode (DHT port %2)").arg(ownPeer_).arg(e.dht_port)
                                     : tr("Peer %1 at %2 (DHT port %3)").arg(ownPeer_, ownAddress_).arg(e.dht_port));
    if (!e.reachability.empty()) reachability_->setText(qs(e.reachability));
  }
  refreshButtons();
}

void SwarmPage::onSwarmStatus(const protocol::SwarmStatusEvent& e) {
  const QLocale locale;
  peers_->setRowCount(int(e.peers.size()));
  double own = 0;
  for (int row = 0; row < int(e.peers.size()); ++row) {
    const protocol::SwarmPeerInfo& p = e.peers[std::size_t(row)];
    if (qs(p.peer) == ownPeer_) own = p.samples_per_s;
    setRow(peers_, row,
           {qs(p.peer) + (qs(p.peer) == ownPeer_ ? tr(" (this computer)") : QString()),
            p.address.empty() ? tr("–") : qs(p.address), QString::number(p.epoch), locale.toString(p.samples_per_s, 'f', 1),
            p.client_mode ? tr("yes") : tr("no"), tr("%1 s ago").arg(locale.toString(p.last_seen_s, 'f', 1))});
  }
  const double share = e.samples_per_s > 0 ? 100.0 * own / e.samples_per_s : 0.0;
  figures_->setText(tr("The swarm's epoch %1 (this computer's %2) · %3 samples/s together · this computer's share %4 %")
                        .arg(e.epoch)
                        .arg(e.local_epoch)
                        .arg(locale.toString(e.samples_per_s, 'f', 1))
                        .arg(locale.toString(share, 'f', 0)));
}

void SwarmPage::onSwarmRound(const protocol::SwarmRoundEvent& e) {
  const QLocale locale;
  rounds_->insertRow(0);
  const QString kind = e.kind == "pseudo_gradients" ? tr("outer step") : e.kind == "state" ? tr("state") : tr("gradients");
  setRow(rounds_, 0,
         {QDateTime::currentDateTime().toString("HH:mm:ss"), QString::number(e.epoch), kind, QString::number(e.group_size),
          tr("%1 s").arg(locale.toString(e.matchmaking_s + e.averaging_s, 'f', 1)),
          tr("%1 s").arg(locale.toString(e.waited_s, 'f', 1)),
          QStringLiteral("%1 / %2").arg(locale.toString(e.bytes_sent / 1e6, 'f', 1), locale.toString(e.bytes_received / 1e6, 'f', 1)),
          qs(e.outcome)});
  const double x = traffic_->graph(0)->dataCount();
  traffic_->graph(0)->addData(x, e.bytes_sent / 1e6);
  traffic_->graph(1)->addData(x, e.bytes_received / 1e6);
  traffic_->rescaleAxes();
  traffic_->yAxis->setRangeLower(0);
  traffic_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace sds::widgets
