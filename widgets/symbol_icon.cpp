#include "symbol_icon.h"

#include <QApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

namespace sds::widgets {
namespace {

// Each symbol is drawn in a 24 × 24 design square with a 1.8-unit pen.
void drawSymbol(QPainter& p, Symbol symbol) {
  switch (symbol) {
    case Symbol::Project: {  // a sheet with settings sliders
      p.drawRoundedRect(QRectF(4, 2.5, 16, 19), 2, 2);
      for (const auto& [y, knob] : {std::pair{8.0, 9.0}, {12.0, 15.0}, {16.0, 11.0}}) {
        p.drawLine(QPointF(7.5, y), QPointF(16.5, y));
        p.drawEllipse(QPointF(knob, y), 1.4, 1.4);
      }
      return;
    }
    case Symbol::Dataset: {  // a stack of pictures
      p.drawRoundedRect(QRectF(6.5, 3, 15, 12), 1.5, 1.5);
      p.drawRoundedRect(QRectF(2.5, 8, 15, 12), 1.5, 1.5);
      QPainterPath mountains;
      mountains.moveTo(4, 18.5);
      mountains.lineTo(8.5, 13);
      mountains.lineTo(11.5, 16);
      mountains.lineTo(13.5, 14);
      mountains.lineTo(16, 18.5);
      p.drawPath(mountains);
      return;
    }
    case Symbol::Training: {  // a falling loss curve on axes
      p.drawLine(QPointF(3.5, 3), QPointF(3.5, 20.5));
      p.drawLine(QPointF(3.5, 20.5), QPointF(21, 20.5));
      QPainterPath loss;
      loss.moveTo(6, 5);
      loss.cubicTo(9, 14, 12, 15.5, 20.5, 16.5);
      p.drawPath(loss);
      return;
    }
    case Symbol::Samples: {  // a grid of four pictures
      for (const QPointF corner : {QPointF(3, 3), QPointF(13, 3), QPointF(3, 13), QPointF(13, 13)})
        p.drawRoundedRect(QRectF(corner, QSizeF(8, 8)), 1.2, 1.2);
      return;
    }
    case Symbol::Swarm: {  // peers joined in a network
      const QPointF peers[] = {{12, 4.5}, {4.5, 12}, {19.5, 12}, {8, 19.5}, {16, 19.5}};
      const int links[][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 4}, {3, 4}, {0, 3}, {0, 4}};
      for (const auto& link : links) p.drawLine(peers[link[0]], peers[link[1]]);
      p.setBrush(p.pen().color());
      for (const QPointF peer : peers) p.drawEllipse(peer, 2.2, 2.2);
      return;
    }
    case Symbol::Start: {
      p.setBrush(p.pen().color());
      p.drawPolygon(QPolygonF({QPointF(7, 4.5), QPointF(19.5, 12), QPointF(7, 19.5)}));
      return;
    }
    case Symbol::Pause: {
      p.setBrush(p.pen().color());
      p.drawRoundedRect(QRectF(6, 4.5, 3.5, 15), 0.8, 0.8);
      p.drawRoundedRect(QRectF(14.5, 4.5, 3.5, 15), 0.8, 0.8);
      return;
    }
    case Symbol::Stop: {
      p.setBrush(p.pen().color());
      p.drawRoundedRect(QRectF(5.5, 5.5, 13, 13), 1.5, 1.5);
      return;
    }
    case Symbol::Save: {  // an arrow down into a tray
      p.drawLine(QPointF(12, 3), QPointF(12, 15));
      p.drawPolyline(QPolygonF({QPointF(7.5, 10.5), QPointF(12, 15), QPointF(16.5, 10.5)}));
      p.drawPolyline(QPolygonF({QPointF(3.5, 15), QPointF(3.5, 20.5), QPointF(20.5, 20.5), QPointF(20.5, 15)}));
      return;
    }
    case Symbol::Sample: {  // a picture with a sun and a hill
      p.drawRoundedRect(QRectF(3, 4.5, 18, 15), 1.5, 1.5);
      p.drawEllipse(QPointF(8.5, 9.5), 1.8, 1.8);
      QPainterPath hill;
      hill.moveTo(3.5, 18);
      hill.lineTo(10, 12.5);
      hill.lineTo(14, 15.5);
      hill.lineTo(16.5, 13.5);
      hill.lineTo(20.5, 17);
      p.drawPath(hill);
      return;
    }
  }
}

class SymbolIconEngine : public QIconEngine {
 public:
  explicit SymbolIconEngine(Symbol symbol) : symbol_(symbol) {}

  void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State) override {
    const QPalette palette = QApplication::palette();
    const QColor colour = mode == QIcon::Disabled ? palette.color(QPalette::Disabled, QPalette::WindowText)
                          : mode == QIcon::Selected ? palette.color(QPalette::HighlightedText)
                                                    : palette.color(QPalette::WindowText);
    const qreal side = qMin(rect.width(), rect.height());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->translate(rect.x() + (rect.width() - side) / 2.0, rect.y() + (rect.height() - side) / 2.0);
    painter->scale(side / 24.0, side / 24.0);
    painter->setPen(QPen(colour, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    drawSymbol(*painter, symbol_);
    painter->restore();
  }

  QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override {
    return scaledPixmap(size, mode, state, 1.0);
  }

  QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state, qreal scale) override {
    QPixmap pixmap(size * scale);
    pixmap.setDevicePixelRatio(scale);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    paint(&painter, QRect(QPoint(0, 0), size), mode, state);
    return pixmap;
  }

  QIconEngine* clone() const override { return new SymbolIconEngine(symbol_); }

 private:
  Symbol symbol_;
};

}  // namespace

QIcon symbolIcon(Symbol symbol) { return QIcon(new SymbolIconEngine(symbol)); }

}  // namespace sds::widgets
