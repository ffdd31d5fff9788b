/* Compiled inner loops of the CPU raster backend (hud.raster.cpu).
 *
 * glyph_run composites a run of glyph coverage bitmaps into a float32 eye buffer exactly as
 * the numpy path does, operation for operation in float32: the light each pixel keeps is the
 * product, glyph by glyph in order, of (1 - coverage / 255); then
 * pixel = pixel * keep + (1 - keep) * colour. Built with -ffp-contract=off so no step is
 * fused, the results are bit-identical to numpy's (tests/test_native_raster.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

static float transmission[256];

static int get_buffer(PyObject *obj, Py_buffer *view, int writable, const char *what) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Format(PyExc_TypeError, "glyph_run: %s must be a C-contiguous array", what);
        return -1;
    }
    return 0;
}

typedef struct {
    Py_buffer view;
    Py_ssize_t x0, y0;         /* bitmap's top-left on the screen */
    Py_ssize_t cx0, cy0, cx1, cy1; /* clipped to the clip rectangle */
} Placed;

/* glyph_run(buffer, items, dx, dy, clip, colour)
 *   buffer: float32 (height, width, channels), C-contiguous
 *   items:  sequence of (key, bitmap uint8 (h, w), x, y)
 *   dx, dy: shift added to every x, y
 *   clip:   (x0, y0, x1, y1) pixels the run may change
 *   colour: sequence of `channels` floats (the light drawn where coverage is full)
 */
static PyObject *glyph_run(PyObject *self, PyObject *args) {
    PyObject *buffer_obj, *items, *colour_obj;
    Py_ssize_t dx, dy, clip_x0, clip_y0, clip_x1, clip_y1;
    if (!PyArg_ParseTuple(args, "OOnn(nnnn)O", &buffer_obj, &items, &dx, &dy, &clip_x0, &clip_y0, &clip_x1,
                          &clip_y1, &colour_obj))
        return NULL;
    Py_buffer buf;
    if (get_buffer(buffer_obj, &buf, 1, "buffer") < 0)
        return NULL;
    if (buf.ndim != 3 || strcmp(buf.format, "f") != 0) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_TypeError, "glyph_run: buffer must be float32 (height, width, channels)");
        return NULL;
    }
    Py_ssize_t height = buf.shape[0], width = buf.shape[1], channels = buf.shape[2];
    if (clip_x0 < 0) clip_x0 = 0;
    if (clip_y0 < 0) clip_y0 = 0;
    if (clip_x1 > width) clip_x1 = width;
    if (clip_y1 > height) clip_y1 = height;

    float colour[4] = {0, 0, 0, 0};
    PyObject *colour_seq = PySequence_Fast(colour_obj, "glyph_run: colour must be a sequence");
    if (colour_seq == NULL) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    if (channels > 4 || PySequence_Fast_GET_SIZE(colour_seq) < channels) {
        Py_DECREF(colour_seq);
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_ValueError, "glyph_run: colour must give every channel (at most 4)");
        return NULL;
    }
    for (Py_ssize_t c = 0; c < channels; c++) {
        colour[c] = (float)PyFloat_AsDouble(PySequence_Fast_GET_ITEM(colour_seq, c));
    }
    Py_DECREF(colour_seq);
    if (PyErr_Occurred()) {
        PyBuffer_Release(&buf);
        return NULL;
    }

    PyObject *seq = PySequence_Fast(items, "glyph_run: items must be a sequence");
    if (seq == NULL) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    Placed *placed = count ? (Placed *)calloc((size_t)count, sizeof(Placed)) : NULL;
    if (count && placed == NULL) {
        Py_DECREF(seq);
        PyBuffer_Release(&buf);
        return PyErr_NoMemory();
    }
    Py_ssize_t used = 0;
    Py_ssize_t bx0 = PY_SSIZE_T_MAX, by0 = PY_SSIZE_T_MAX, bx1 = PY_SSIZE_T_MIN, by1 = PY_SSIZE_T_MIN;
    int failed = 0;
    for (Py_ssize_t i = 0; i < count && !failed; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        PyObject *key, *bitmap;
        Py_ssize_t gx, gy;
        if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "OOnn", &key, &bitmap, &gx, &gy)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "glyph_run: each item is (key, bitmap, x, y)");
            failed = 1;
            break;
        }
        Placed *p = &placed[used];
        if (get_buffer(bitmap, &p->view, 0, "bitmap") < 0) {
            failed = 1;
            break;
        }
        if (p->view.ndim != 2 || p->view.itemsize != 1) {
            PyBuffer_Release(&p->view);
            PyErr_SetString(PyExc_TypeError, "glyph_run: bitmap must be uint8 (height, width)");
            failed = 1;
            break;
        }
        Py_ssize_t h = p->view.shape[0], w = p->view.shape[1];
        p->x0 = gx + dx;
        p->y0 = gy + dy;
        p->cx0 = p->x0 > clip_x0 ? p->x0 : clip_x0;
        p->cy0 = p->y0 > clip_y0 ? p->y0 : clip_y0;
        p->cx1 = p->x0 + w < clip_x1 ? p->x0 + w : clip_x1;
        p->cy1 = p->y0 + h < clip_y1 ? p->y0 + h : clip_y1;
        if (p->cx0 >= p->cx1 || p->cy0 >= p->cy1) {
            PyBuffer_Release(&p->view);
            continue;
        }
        if (p->cx0 < bx0) bx0 = p->cx0;
        if (p->cy0 < by0) by0 = p->cy0;
        if (p->cx1 > bx1) bx1 = p->cx1;
        if (p->cy1 > by1) by1 = p->cy1;
        used++;
    }
    Py_DECREF(seq);
    if (!failed && used) {
        Py_ssize_t kw = bx1 - bx0, kh = by1 - by0;
        float *keep = (float *)malloc((size_t)(kw * kh) * sizeof(float));
        if (keep == NULL) {
            PyErr_NoMemory();
            failed = 1;
        } else {
            for (Py_ssize_t k = 0; k < kw * kh; k++)
                keep[k] = 1.0f;
            for (Py_ssize_t i = 0; i < used; i++) {
                Placed *p = &placed[i];
                const unsigned char *bits = (const unsigned char *)p->view.buf;
                Py_ssize_t bw = p->view.shape[1];
                for (Py_ssize_t y = p->cy0; y < p->cy1; y++) {
                    const unsigned char *row = bits + (y - p->y0) * bw - p->x0;
                    float *out = keep + (y - by0) * kw - bx0;
                    for (Py_ssize_t x = p->cx0; x < p->cx1; x++)
                        out[x] *= transmission[row[x]];
                }
            }
            float *pixels = (float *)buf.buf;
            for (Py_ssize_t y = by0; y < by1; y++) {
                const float *k = keep + (y - by0) * kw;
                float *px = pixels + (y * width + bx0) * channels;
                for (Py_ssize_t x = 0; x < kw; x++) {
                    float kept = k[x];
                    float lit = 1.0f - kept;
                    for (Py_ssize_t c = 0; c < channels; c++) {
                        float value = px[c] * kept;
                        float added = lit * colour[c];
                        px[c] = value + added;
                    }
                    px += channels;
                }
            }
            free(keep);
        }
    }
    for (Py_ssize_t i = 0; i < used; i++)
        PyBuffer_Release(&placed[i].view);
    free(placed);
    PyBuffer_Release(&buf);
    if (failed)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"glyph_run", glyph_run, METH_VARARGS,
     "glyph_run(buffer, items, dx, dy, clip, colour): composite a run of glyph bitmaps into a float32 "
     "(height, width, channels) buffer, clipped to clip = (x0, y0, x1, y1)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "hud.raster._native", "Compiled inner loops of the CPU raster backend.", -1, methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    for (int b = 0; b < 256; b++) {
        volatile float coverage = (float)b / 255.0f;
        transmission[b] = 1.0f - coverage;
    }
    return PyModule_Create(&module);
}
