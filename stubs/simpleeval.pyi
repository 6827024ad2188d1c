# The part of simpleeval that tongbao uses (simpleeval ships no types); see stubs/README.md.
import ast
from typing import Any, Callable

class SimpleEval:
    operators: dict[type[ast.AST], Callable[..., Any]]
    functions: dict[str, Callable[..., Any]]
    names: dict[str, Any]
    nodes: dict[type[ast.AST], Callable[..., Any]]
    def __init__(
        self,
        operators: dict[type[ast.AST], Callable[..., Any]] | None = ...,
        functions: dict[str, Callable[..., Any]] | None = ...,
        names: dict[str, Any] | None = ...,
        allowed_attrs: dict[type, set[str]] | None = ...,
    ) -> None: ...
    def eval(self, expr: str, previously_parsed: ast.AST | None = ...) -> Any: ...
    def _eval(self, node: ast.AST) -> Any: ...
    def _eval_call(self, node: ast.Call) -> Any: ...
