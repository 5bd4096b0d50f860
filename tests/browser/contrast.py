"""Contrast of what the browser paints: an element's computed text colour on its background.

The background is the element's own and its ancestors' background colours, stacked until
one is opaque, with opacity applied (the theme fades header buttons on hover that way).
axe checks contrast at rest only; the state tests use this in every state they force.
Every CSS transition running on the page is awaited first, so a colour is never measured
half-way through a fade (a run in CI once read a button mid-transition).
"""

from __future__ import annotations

from typing import Final

CONTRAST_JS: Final = """
async (element) => {
  // Colours are read when they have settled: a CSS transition still running (the theme
  // fades button backgrounds over 125 ms) would be measured half-way between two states.
  await Promise.all(
    document.getAnimations()
      .filter((animation) => animation instanceof CSSTransition)
      .map((animation) => animation.finished.catch(() => null))
  );
  const parse = (value) => {
    const match = value.match(/rgba?\\(([^)]+)\\)/);
    if (!match) return null;
    const parts = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(
    (i) => top[i] * top[3] + bottom[i] * (1 - top[3])
  ).concat([1]);
  const layers = [];
  let textOpacity = 1;
  let opaque = null;
  for (let node = element; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    const background = parse(style.backgroundColor);
    if (background && background[3] >= 1) { opaque = background; break; }
    textOpacity *= parseFloat(style.opacity);
    if (background && background[3] > 0) layers.push([node, background]);
  }
  let backdrop = opaque || [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i -= 1) {
    const [node, colour] = layers[i];
    let opacity = 1;
    for (let up = node; up && up !== null; up = up.parentElement) {
      const style = getComputedStyle(up);
      const background = parse(style.backgroundColor);
      if (up !== node && background && background[3] >= 1) break;
      opacity *= parseFloat(style.opacity);
    }
    backdrop = over([colour[0], colour[1], colour[2], colour[3] * opacity], backdrop);
  }
  const text = parse(getComputedStyle(element).color);
  const painted = over([text[0], text[1], text[2], text[3] * textOpacity], backdrop);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(painted), luminance(backdrop)].sort((a, b) => b - a);
  return {
    ratio: (light + 0.05) / (dark + 0.05),
    text: painted.slice(0, 3).map(Math.round).join(","),
    background: backdrop.slice(0, 3).map(Math.round).join(","),
  };
}
"""
