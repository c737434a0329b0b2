#include "join_swarm_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>
#include <stdexcept>

#include "protocol/swarm_invitation.h"
#include "trainer_location.h"

namespace sds::widgets {

namespace {
QStringList addressesOf(const QString& text) {
  return text.split(QRegularExpression("[\\s,;]+"), Qt::SkipEmptyParts);
}
}  // namespace

JoinSwarmDialog::JoinSwarmDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Join a swarm"));
  invitation_ = new QLineEdit(this);
  invitation_->setObjectName("invitation");
  invitation_->setPlaceholderText(tr("Paste an invitation: sdswarm1 sdsrun-… host:port"));
  key_ = new QLineEdit(this);
  key_->setObjectName("runKey");
  key_->setEchoMode(QLineEdit::Password);
  key_->setPlaceholderText(tr("sdsrun-…"));
  peers_ = new QLineEdit(this);
  peers_->setObjectName("peers");
  peers_->setPlaceholderText(tr("203.0.113.7:4300, another peer…"));
  port_ = new QSpinBox(this);
  port_->setObjectName("port");
  port_->setRange(0, 65535);
  port_->setSpecialValueText(tr("any free port"));
  upnp_ = new QCheckBox(tr("Ask the router to forward the port (UPnP)"), this);
  upnp_->setObjectName("upnp");
  upnp_->setChecked(true);
  upnp_->setToolTip(tr("Where no router answers or it refuses, this computer takes part in client mode: it sends "
                       "its work and receives the averages, but averages no part for the others."));
  clientMode_ = new QCheckBox(tr("Client mode (accept no connections)"), this);
  clientMode_->setObjectName("clientMode");
  message_ = new QLabel(this);
  message_->setObjectName("problem");
  message_->setWordWrap(true);
  check_ = new QPushButton(tr("&Check reachability"), this);
  check_->setObjectName("check");
  check_->setToolTip(tr("Ask the router whether it forwards this port to this computer (the mapping is removed "
                        "again)"));
  connect(check_, &QPushButton::clicked, this, &JoinSwarmDialog::checkReachability);
  reachability_ = new QLabel(this);
  reachability_->setObjectName("reachability");
  reachability_->setWordWrap(true);

  auto* form = new QFormLayout;
  form->addRow(tr("&Invitation:"), invitation_);
  form->addRow(tr("Run &key:"), key_);
  form->addRow(tr("&Peers:"), peers_);
  form->addRow(tr("&Port:"), port_);
  form->addRow(QString(), upnp_);
  form->addRow(QString(), clientMode_);
  form->addRow(QString(), check_);
  form->addRow(reachability_);  // the whole width: the answer can be a paragraph
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  join_ = buttons->addButton(tr("&Join"), QDialogButtonBox::AcceptRole);
  join_->setObjectName("join");
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(message_);
  layout->addWidget(buttons);

  connect(invitation_, &QLineEdit::textChanged, this, [this](const QString& text) {
    if (!text.trimmed().isEmpty()) takeInvitation(text);
  });
  for (QLineEdit* edit : {key_, peers_}) connect(edit, &QLineEdit::textChanged, this, &JoinSwarmDialog::validate);
  connect(clientMode_, &QCheckBox::toggled, this, [this](bool on) { upnp_->setEnabled(!on); });
  validate();
}

bool JoinSwarmDialog::takeInvitation(const QString& text) {
  try {
    const protocol::SwarmInvitation invitation = protocol::decodeInvitation(text.toStdString());
    key_->setText(QString::fromStdString(invitation.runKey));
    QStringList peers;
    for (const std::string& p : invitation.peers) peers << QString::fromStdString(p);
    peers_->setText(peers.join(", "));
    return true;
  } catch (const std::invalid_argument& e) {
    message_->setText(tr("Not an invitation: %1").arg(QString::fromStdString(e.what())));
    join_->setEnabled(false);
    return false;
  }
}

QString JoinSwarmDialog::problem() const {
  const QString key = key_->text().trimmed();
  if (key.isEmpty()) return tr("Enter the run's key or paste an invitation.");
  if (!key.startsWith("sdsrun-")) return tr("A run key begins with \"sdsrun-\".");
  const QStringList peers = addressesOf(peers_->text());
  if (peers.isEmpty()) return tr("Enter the address of at least one peer of the run (host:port).");
  for (const QString& p : peers) {
    const std::string wrong = protocol::addressProblem(p.toStdString());
    if (!wrong.empty()) return tr("Peer address %1").arg(QString::fromStdString(wrong));
  }
  return {};
}

void JoinSwarmDialog::validate() {
  const QString why = problem();
  message_->setText(why);
  join_->setEnabled(why.isEmpty());
}

void JoinSwarmDialog::checkReachability() {
  auto* process = new QProcess(this);
  check_->setEnabled(false);
  const int port = port_->value() > 0 ? port_->value() : 4300;
  reachability_->setText(tr("Asking the router about port %1…").arg(port));
  connect(process, &QProcess::finished, this, [this, process, port] {
    const QJsonObject answer = QJsonDocument::fromJson(process->readAllStandardOutput()).object();
    if (answer.isEmpty())
      reachability_->setText(tr("The check failed: %1").arg(QString::fromUtf8(process->readAllStandardError()).trimmed()));
    else if (answer["upnp"].toBool())
      reachability_->setText(tr("Reachable: the router forwards port %1; other peers reach this computer at %2.")
                                 .arg(port)
                                 .arg(answer["external_address"].toString()));
    else
      reachability_->setText(tr("Not reachable by UPnP (%1): a bootstrap node that relays (sdtrain swarm bootstrap "
                                "does) would forward the others' connections to this computer; without one it would "
                                "take part in client mode, sending its work and receiving the averages but averaging "
                                "no part for the others.")
                                 .arg(answer["detail"].toString()));
    check_->setEnabled(true);
    adjustSize();  // a window does not grow by itself for a longer answer
    process->deleteLater();
  });
  connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart) return;
    reachability_->setText(tr("The check failed: %1").arg(process->errorString()));
    check_->setEnabled(true);
    process->deleteLater();
  });
  process->start(sdtrainPath(), {"swarm", "reachability", "--port", QString::number(port), "--json"});
}

protocol::Command JoinSwarmDialog::command() const {
  protocol::Command join;
  join.kind = protocol::Command::Kind::SwarmJoin;
  join.runKey = key_->text().trimmed().toStdString();
  for (const QString& p : addressesOf(peers_->text())) join.peers.push_back(p.toStdString());
  join.port = port_->value();
  join.clientMode = clientMode_->isChecked();
  join.upnp = upnp_->isChecked() && !clientMode_->isChecked();
  return join;
}

}  // namespace sds::widgets
