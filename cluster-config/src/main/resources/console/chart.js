// A small line chart on a canvas: a bounded ring of points per series, redrawn on every add.
export class LineChart {
  /** @param canvas the canvas; @param series [{name, color}]; @param capacity points kept per series */
  constructor(canvas, series, capacity = 90) {
    this.canvas = canvas;
    this.series = series.map((s) => ({ ...s, points: [] }));
    this.capacity = capacity;
  }

  add(values) {
    this.series.forEach((s, i) => {
      s.points.push(values[i]);
      if (s.points.length > this.capacity) s.points.shift();
    });
    this.draw();
  }

  draw() {
    const { canvas } = this;
    const g = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height, pad = 18;
    g.clearRect(0, 0, w, h);
    const max = Math.max(1, ...this.series.flatMap((s) => s.points));
    g.strokeStyle = "#e5e7eb";
    g.fillStyle = "#6b7280";
    g.font = "10px system-ui";
    g.beginPath(); g.moveTo(pad, pad); g.lineTo(pad, h - pad); g.lineTo(w - 4, h - pad); g.stroke();
    g.fillText(String(Math.round(max * 10) / 10), 2, pad - 6);
    for (const s of this.series) {
      g.strokeStyle = s.color;
      g.lineWidth = 2;
      g.beginPath();
      s.points.forEach((v, i) => {
        const x = pad + (i * (w - pad - 4)) / (this.capacity - 1);
        const y = h - pad - (v / max) * (h - 2 * pad);
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    }
  }
}
