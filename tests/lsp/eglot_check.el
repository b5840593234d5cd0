;;; eglot_check.el --- Emacs + eglot drive lambda-leak: diagnostics, then "Convert to async handler".
;; Run: emacs --batch -l eglot_check.el <handler.js>  (with `lambda-leak` on PATH)
(require 'eglot)
(require 'js)

(defun check-fail (format-string &rest args)
  (princ (concat "FAIL: " (apply #'format format-string args) "\n") #'external-debugging-output)
  (kill-emacs 1))

(defun check-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(let* ((file (car command-line-args-left))
       (dir (file-name-directory file)))
  (find-file file)
  (js-mode)
  ;; The README's configuration, as a user would add it.
  (add-to-list 'eglot-server-programs '((js-mode typescript-mode python-mode) . ("lambda-leak" "server")))
  (eglot '(js-mode) (cons 'transient dir) 'eglot-lsp-server '("lambda-leak" "server") "javascript")
  (unless (check-wait (lambda () (and (eglot-current-server) (flymake-diagnostics))) 30)
    (check-fail "no diagnostics from lambda-leak"))
  (let* ((diagnostic (car (flymake-diagnostics)))
         (text (flymake-diagnostic-text diagnostic)))
    (unless (string-match-p "callback handler" text)
      (check-fail "unexpected diagnostic: %s" text))
    (let* ((actions (eglot-code-actions (flymake-diagnostic-beg diagnostic) (flymake-diagnostic-end diagnostic)))
           (action (cl-find "Convert to async handler" actions
                            :key (lambda (a) (plist-get a :title)) :test #'equal)))
      (unless action
        (check-fail "no \"Convert to async handler\" in %S" (mapcar (lambda (a) (plist-get a :title)) actions)))
      (eglot--apply-workspace-edit (plist-get action :edit))
      ;; Eglot sends changes from an idle timer, and a batch Emacs is never idle.
      (eglot--signal-textDocument/didChange)))
  (let ((text (buffer-substring-no-properties (point-min) (point-max))))
    (unless (string-match-p (regexp-quote "exports.handler = async (event, context) => {") text)
      (check-fail "not converted:\n%s" text))
    (unless (check-wait (lambda () (null (flymake-diagnostics))) 30)
      (check-fail "diagnostic still present: %S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
    (princ (concat "OK\n" text))
    (kill-emacs 0)))
