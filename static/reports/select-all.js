// Progressive enhancement only: the header checkbox ticks every row's checkbox.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-select-all]")) return;
  var name = box.getAttribute("data-select-all");
  document.querySelectorAll('input[name="' + name + '"]').forEach(function (row) {
    row.checked = box.checked;
  });
});
