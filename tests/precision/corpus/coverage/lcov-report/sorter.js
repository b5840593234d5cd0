/* eslint-disable */
var addSorting = (function() {
    'use strict';
    var cols, currentSort = { index: 0, desc: false };
    function onFilterInput() {
        setTimeout(function () { document.getElementById('fileSearch').focus(); }, 0);
    }
    function addSearchBox() {
        var template = document.getElementById('filterTemplate');
        var templateClone = template.content.cloneNode(true);
        templateClone.getElementById('fileSearch').oninput = onFilterInput;
        template.parentElement.appendChild(templateClone);
    }
    return function() { addSearchBox(); };
})();
window.addEventListener('load', addSorting);
