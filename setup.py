"""Packaging of ruimte: the import packages abm, agents, environment, experiments and the
console script ``ruimte``."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
VERSION = next(
    line.split('"')[1]
    for line in (HERE / "abm" / "__init__.py").read_text().splitlines()
    if line.startswith("__version__")
)

setup(
    name="ruimte",
    version=VERSION,
    description="Agent-based regional development model of the Netherlands",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.12",
    packages=find_packages(include=["abm", "abm.*", "agents", "agents.*", "environment",
                                    "environment.*", "experiments", "experiments.*"]),
    package_data={
        "abm.policy": ["catalogue.csv"],
        "environment": ["bundles/*/manifest.json", "bundles/*/layers.npz"],
        "experiments": ["scenarios/*.toml", "examples/*.toml"],
    },
    include_package_data=False,
    install_requires=[
        "mesa[network]>=3.5,<4",
        "numpy>=2.0,<3",
        "numba>=0.60,<1",
        "scipy>=1.11,<2",
        "pandas>=2.2,<4",
        "pyarrow>=15,<28",
        "geopandas>=1.0,<2",
        "pyogrio>=0.9,<1",
        "shapely>=2.0,<3",
        "pyproj>=3.6,<4",
        "rasterio>=1.4,<2",
        "xarray>=2024.6,<2028",
        "matplotlib>=3.8,<4",
        "seaborn>=0.13,<0.14",
        "pydantic>=2.7,<3",
        "tqdm>=4.66,<5",
        "dask[distributed]>=2024.8,<2027",
        "dask-jobqueue>=0.9,<1",
        "SALib>=1.5,<2",
        "ema_workbench>=3.0,<4",
        "solara>=1.40,<2",
        "solara-assets>=1.58,<2",  # the page's files served locally, not from a CDN
        "ipyvuetify>=1.9,<2",  # the version solara-assets carries files for
        "markdown>=3.5,<4",
    ],
    extras_require={
        "test": ["pytest>=8,<10", "hypothesis>=6.100,<7", "playwright>=1.45,<2"],
    },
    entry_points={"console_scripts": ["ruimte=abm.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Scientific/Engineering :: GIS",
    ],
)
