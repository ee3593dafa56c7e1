// The output-shape calculator (trtdeconv_docs.sphinx_ext.calculator): TensorRT's output-size rule and its
// refusals, in the page, offline. The rule's formulas and the limits come from trtdeconv-shape-rules.js,
// generated at build time from trtdeconv_docs.layer.shapes.FORMULAS and trtdeconv_docs.layer.limits; the checks below
// follow trtdeconv_docs.layer.attributes.resolve and trtdeconv_docs.layer.shapes.output_shape in the same order, and
// tests/test_calculator.py compares them with the Python rule in headless Chromium.
(() => {
  const RULES = () => window.TRTDECONV_RULES;

  class Refusal extends Error {
    constructor(reason, key, values) {
      super(`${reason}: ${key} ${JSON.stringify(values)}`);
      this.reason = reason;  // a key of trtdeconv_docs.layer.limits.REASONS, as the Python rule gives it
      this.key = key;        // which message of the page's catalog explains it
      this.values = values;
    }
  }

  const volume = (values) => values.reduce((product, value) => product * BigInt(value), 1n);

  function integers(name, values, reason) {
    if (!values.every(Number.isInteger)) throw new Refusal(reason, "not_integers", { name, values });
    if (values.some((value) => Math.abs(value) > RULES().limits.INT32_MAX)) {
      throw new Refusal("int32", "int32", { name, values, high: RULES().limits.INT32_MAX });
    }
    return values;
  }

  function checkSetter(name, value) {
    const limits = RULES().limits;
    if (name === "num_output_maps" || name === "num_groups") {
      const [high, reason] = name === "num_output_maps" ? [limits.MAX_OUTPUT_MAPS, "output_maps"] : [limits.MAX_GROUPS, "groups"];
      const [count] = integers(name, [value], reason);
      if (!(count >= 1 && count <= high)) throw new Refusal(reason, "range", { name, values: [count], low: 1, high });
      return count;
    }
    if (name === "padding_mode") {
      if (!RULES().paddingModes.includes(value)) throw new Refusal("padding_mode", "padding_mode", { name, values: [value] });
      return value;
    }
    if (name === "kernel_size_nd") {
      if (value.length !== 2 && value.length !== 3) throw new Refusal("kernel_rank", "rank", { name, values: value });
      integers(name, value, "kernel_size");
      if (Math.min(...value) < 1) throw new Refusal("kernel_size", "range", { name, values: value, low: 1, high: "" });
      const high = limits.MAX_KERNEL_VOLUME[String(value.length)];
      const kernelVolume = volume(value);
      if (kernelVolume > BigInt(high)) throw new Refusal("kernel_volume", "kernel_volume", { name, values: value, volume: String(kernelVolume), high });
      return value;
    }
    const [low, high, reason] = RULES().setterRanges[name];
    integers(name, value, reason);
    if (value.length !== 2 && value.length !== 3) throw new Refusal(reason, "rank", { name, values: value });
    if (value.some((v) => v < low || v > high)) throw new Refusal(reason, "range", { name, values: value, low, high });
    return value;
  }

  function perDimension(name, value, rank, fallback) {
    if (value === null || value === undefined) return Array(rank).fill(fallback);
    const values = checkSetter(name, value);
    if (values.length !== rank) throw new Refusal("dimension_count", "dimension_count", { name, values, rank });
    return values;
  }

  /** The layer as trtdeconv_docs.layer.attributes.resolve fills it in, or a Refusal. */
  function resolve(p) {
    const maps = checkSetter("num_output_maps", p.num_output_maps);
    const kernel = checkSetter("kernel_size_nd", p.kernel_size_nd);
    const rank = kernel.length;
    const stride = perDimension("stride_nd", p.stride_nd, rank, 1);
    const dilation = perDimension("dilation_nd", p.dilation_nd, rank, 1);
    const padding = perDimension("padding_nd", p.padding_nd, rank, 0);
    const pre = p.pre_padding != null ? perDimension("pre_padding", p.pre_padding, rank, 0) : padding;
    const post = p.post_padding != null ? perDimension("post_padding", p.post_padding, rank, 0) : padding;
    const mode = checkSetter("padding_mode", p.padding_mode == null ? RULES().defaultPaddingMode : p.padding_mode);
    const groups = checkSetter("num_groups", p.num_groups == null ? 1 : p.num_groups);
    if (maps % groups) throw new Refusal("groups_divide_maps", "groups_divide_maps", { values: [groups, maps] });
    return { maps, kernel, rank, stride, dilation, pre, post, mode, groups,
             dilated: kernel.map((k, i) => 1 + dilation[i] * (k - 1)) };
  }

  /** One spatial dimension: every named value of the rule (I, S, DK, pre, post, full, P, B, A, O). */
  function dimension(layer, size, index) {
    const rule = RULES().rules[layer.mode];
    const v = { I: size, S: layer.stride[index], DK: layer.dilated[index], pre: layer.pre[index], post: layer.post[index],
                K: layer.kernel[index], D: layer.dilation[index] };
    v.full = RULES().evaluate.fullSize(v);
    v.P = RULES().evaluate[`${layer.mode}.total`](v);
    for (const step of rule.split) v[step.target] = RULES().evaluate[`${layer.mode}.${step.target}`](v);
    v.O = v.full - v.B - v.A;
    return v;
  }

  /** trtdeconv_docs.layer.shapes.output_shape: {shape, layer, dimensions, axis} or a Refusal. */
  function compute(p) {
    const layer = resolve(p);
    const shape = p.input_shape;
    const limits = RULES().limits;
    if (!shape.every(Number.isInteger)) throw new Refusal("input_size", "not_integers", { name: "input_shape", values: shape });
    if (shape.length < layer.rank + 2) throw new Refusal("input_rank", "input_rank_low", { values: shape, needed: layer.rank + 2 });
    if (shape.length > limits.MAX_DIMS) throw new Refusal("input_rank", "input_rank_high", { values: shape, high: limits.MAX_DIMS });
    if (shape.some((v) => v > limits.INT32_MAX)) throw new Refusal("int32", "int32", { name: "input_shape", values: shape, high: limits.INT32_MAX });
    if (shape.some((v) => v < 1)) throw new Refusal("input_size", "input_size", { values: shape });
    if (volume(shape) > BigInt(limits.MAX_TENSOR_VOLUME)) throw new Refusal("tensor_volume", "tensor_volume", { values: shape, volume: String(volume(shape)), high: limits.MAX_TENSOR_VOLUME });
    const axis = shape.length - layer.rank - 1;
    if (shape[axis] % layer.groups) throw new Refusal("groups_divide_channels", "groups_divide_channels", { values: [layer.groups, shape[axis]] });
    const dimensions = shape.slice(axis + 1).map((size, index) => dimension(layer, size, index));
    dimensions.forEach((v, index) => {
      if (v.O < 0) throw new Refusal("output_negative", "output_negative", { dim: axis + 1 + index, values: [v.O], B: v.B, A: v.A, full: v.full });
    });
    const result = shape.slice(0, axis).concat([layer.maps], dimensions.map((v) => v.O));
    if (result.some((v) => v > limits.INT32_MAX)) throw new Refusal("int32", "int32", { name: "output", values: result, high: limits.INT32_MAX });
    if (volume(result) > BigInt(limits.MAX_TENSOR_VOLUME)) throw new Refusal("tensor_volume", "tensor_volume", { values: result, volume: String(volume(result)), high: limits.MAX_TENSOR_VOLUME });
    return { shape: result, layer, dimensions, axis };
  }

  /** Every [input index, kernel index] pair with i*S + k*D - B == o per spatial dimension (pictures.contributing_taps). */
  function contributingTaps(computed, outputIndex) {
    const perDimension = computed.dimensions.map((v, d) => {
      const pairs = [];
      for (let k = 0; k < v.K; k += 1) {
        const offset = outputIndex[d] + v.B - k * v.D;
        if (offset % v.S === 0 && offset / v.S >= 0 && offset / v.S < v.I) pairs.push([offset / v.S, k]);
      }
      return pairs;
    });
    return perDimension.reduce((combos, pairs) => combos.flatMap((combo) => pairs.map((pair) => combo.concat([pair]))), [[]])
      .map((combo) => [combo.map((pair) => pair[0]), combo.map((pair) => pair[1])]);
  }

  // ---- the page ----
  const NAMES = /\b(I|S|DK|pre|post|P|B|A|K|D)\b/g;
  const filled = (text, v) => text.replace(NAMES, (name) => String(v[name]));
  const format = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) =>
    Array.isArray(values[key]) ? `(${values[key].join(", ")})` : String(values[key] ?? ""));
  const parseList = (text) => text.trim() === "" ? null : text.split(",").map((part) => part.trim() === "" ? NaN : Number(part));

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
    children.forEach((child) => node.append(child));
    return node;
  }

  function grid(rows, columns, hits, label, symbol) {
    const table = element("table", { class: "trtdeconv-calculator-grid", "aria-label": label });
    for (let r = 0; r < rows; r += 1) {
      const row = element("tr");
      for (let c = 0; c < columns; c += 1) {
        const hit = hits.has(`${r},${c}`);
        row.append(element("td", hit ? { class: "hit", title: `${symbol}[${r},${c}]` } : { title: `${symbol}[${r},${c}]` }, hit ? `${r},${c}` : ""));
      }
      table.append(row);
    }
    return table;
  }

  function render(root) {
    const text = JSON.parse(root.querySelector("script.trtdeconv-calculator-text").textContent);
    const form = root.querySelector("form");
    const out = root.querySelector(".trtdeconv-calculator-result");
    const value = (name) => form.elements[name].value;
    const params = {
      input_shape: parseList(value("input_shape")) || [],
      num_output_maps: Number(value("num_output_maps")),
      kernel_size_nd: parseList(value("kernel_size_nd")) || [],
      stride_nd: parseList(value("stride_nd")),
      padding_nd: parseList(value("padding_nd")),
      pre_padding: parseList(value("pre_padding")),
      post_padding: parseList(value("post_padding")),
      dilation_nd: parseList(value("dilation_nd")),
      num_groups: value("num_groups").trim() === "" ? 1 : Number(value("num_groups")),
      padding_mode: value("padding_mode"),
    };
    out.replaceChildren();
    let computed;
    try {
      computed = compute(params);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      out.append(element("p", { class: "trtdeconv-calculator-refusal", "data-reason": error.reason },
        element("strong", {}, text.refused), " ", format(text.messages[error.key], error.values)));
      return;
    }
    out.append(element("p", { class: "trtdeconv-calculator-shape" }, text.output_shape, " ",
      element("code", {}, `(${computed.shape.join(", ")})`)));
    const ignored = RULES().rules[computed.layer.mode].ignores.filter((name) => params[name] !== null);
    if (ignored.length) out.append(element("p", { class: "trtdeconv-calculator-ignored" }, format(text.ignored, { mode: computed.layer.mode, names: ignored.join(", ") })));
    const rule = RULES().rules[computed.layer.mode];
    const list = element("ol", { class: "trtdeconv-calculator-formulas" });
    computed.dimensions.forEach((v, d) => {
      const line = (name, formula, value) => {
        const numbers = filled(formula, v);
        return numbers === String(value) ? `${name} = ${formula} = ${value}` : `${name} = ${formula} = ${numbers} = ${value}`;
      };
      const lines = [
        line("DK", "1 + D*(K-1)", v.DK),
        line("full", RULES().fullSize.text, v.full),
        line("P", rule.total.text, v.P),
        ...rule.split.map((step) => line(step.target, step.text, v[step.target])),
        `O = full - B - A = ${v.full} - ${v.B} - ${v.A} = ${v.O}`,
      ];
      const names = computed.layer.rank === 2 ? ["H", "W"] : ["D", "H", "W"];
      list.append(element("li", {}, format(text.dimension, { dim: computed.axis + 1 + d, name: names[d] }), element("pre", {}, lines.join("\n"))));
    });
    out.append(list);
    const spatialIn = computed.dimensions.map((v) => v.I);
    const spatialOut = computed.dimensions.map((v) => v.O);
    const small = computed.layer.rank === 2 && spatialIn.every((n) => n <= 20) && spatialOut.every((n) => n >= 1 && n <= 48)
      && computed.layer.kernel.every((k) => k <= 9);
    if (!small) {
      out.append(element("p", { class: "trtdeconv-calculator-gather-note" }, text.gather_small));
      return;
    }
    const chosen = (parseList(value("output_index")) || [0, 0]).map((v, d) => Math.min(Math.max(Number.isInteger(v) ? v : 0, 0), spatialOut[d] - 1));
    const pairs = contributingTaps(computed, chosen);
    const terms = pairs.map(([i, k]) => `x[${i.join(",")}]·w[${k.join(",")}]`).join(" + ") || text.none;
    const section = element("div", { class: "trtdeconv-calculator-gather" },
      element("p", {}, format(text.gather, { index: chosen.join(",") })),
      element("p", {}, element("code", { class: "trtdeconv-calculator-terms" }, `y[${chosen.join(",")}] = ${terms}`)));
    const grids = element("div", { class: "trtdeconv-calculator-grids" },
      element("figure", {}, grid(spatialIn[0], spatialIn[1], new Set(pairs.map(([i]) => i.join(","))), text.input, "x"), element("figcaption", {}, text.input)),
      element("figure", {}, grid(computed.layer.kernel[0], computed.layer.kernel[1], new Set(pairs.map(([, k]) => k.join(","))), text.kernel, "w"), element("figcaption", {}, text.kernel)));
    section.append(grids);
    if (params.input_shape[computed.axis] > 1) {
      section.append(element("p", {}, computed.layer.groups > 1 ? format(text.channels, { groups: computed.layer.groups }) : text.channels_one));
    }
    out.append(section);
  }

  function start(root) {
    const form = root.querySelector("form");
    const query = new URLSearchParams(window.location.search);
    for (const field of form.elements) {
      if (field.name && query.has(field.name)) field.value = query.get(field.name);
    }
    form.addEventListener("input", () => render(root));
    form.addEventListener("submit", (event) => { event.preventDefault(); render(root); });
    render(root);
  }

  window.TrtdeconvCalculator = { compute, resolve, contributingTaps, Refusal };
  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".trtdeconv-calculator").forEach(start));
})();
